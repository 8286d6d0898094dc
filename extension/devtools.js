// Creates the "Auth" panel; everything else happens in panel.html.
chrome.devtools.panels.create("Auth", "icons/authlens-16.png", "panel.html");
