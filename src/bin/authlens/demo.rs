//! `authlens demo`: serve the playground and explain how to load the extension.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use authlens::demo::{self, DemoConfig};

use crate::args;
use crate::style::Style;
use crate::Failure;

pub const USAGE: &str = "authlens demo [--port N] [--www DIR] [--extension DIR] [--launch]
  Serve the playground on 127.0.0.1 (default port 8401): a page whose buttons fail the way
  real APIs fail, and the built analyzer at /analyzer/.
  --www DIR        the built analyzer (default dist/www)
  --extension DIR  the built Chrome extension to mention, and to load with --launch (default dist/chrome)
  --launch         when a display and Chromium are present, open Chromium with the extension
                   loaded and DevTools open on the playground";

pub fn run(argv: &[String], style: Style) -> Result<(), Failure> {
    let a = args::parse(argv, &["port", "www", "extension"], &["launch"])?;
    let port = match a.option("port") {
        Some(p) => p
            .parse::<u16>()
            .map_err(|_| Failure::Usage(format!("--port {p:?} is not a port number")))?,
        None => demo::DEFAULT_PORT,
    };
    let www = PathBuf::from(a.option("www").unwrap_or("dist/www"));
    let extension = PathBuf::from(a.option("extension").unwrap_or("dist/chrome"));
    let cfg = DemoConfig {
        port,
        www_dir: www.clone(),
        ..DemoConfig::default()
    };
    let handle = demo::spawn(cfg)
        .map_err(|e| Failure::Input(format!("cannot listen on 127.0.0.1:{port}: {e}")))?;
    let url = handle.url();
    // The e2e tests and scripts wait for this exact line.
    println!("listening on {url}");
    println!();
    println!("  {}  {url}", style.bold("playground"));
    if www.join("index.html").is_file() {
        println!("  {}    {url}analyzer/", style.bold("analyzer"));
    } else {
        println!(
            "  {}    not built ({} has no index.html; run `make build`)",
            style.bold("analyzer"),
            www.display()
        );
    }
    println!();
    print_load_instructions(&extension, style);
    if a.flag("launch") {
        launch_chromium(&extension, &url);
    }
    println!("{}", style.dim("Ctrl+C stops the server."));
    handle
        .wait()
        .map_err(|e| Failure::Input(format!("server stopped: {e}")))
}

fn print_load_instructions(extension: &Path, style: Style) {
    let shown = std::fs::canonicalize(extension).unwrap_or_else(|_| extension.to_path_buf());
    println!("{}", style.bold("Load the extension"));
    println!("  1. Open chrome://extensions (edge://extensions), switch on Developer mode.");
    println!("  2. Load unpacked → {}", shown.display());
    println!("     (Firefox: about:debugging → This Firefox → Load Temporary Add-on → dist/firefox/manifest.json)");
    println!("  3. Open the playground, press F12, pick the Auth tab, click a scenario button.");
    println!();
}

/// Opens Debian's Chromium with the extension loaded, when a display exists. Branded Google
/// Chrome 137+ ignores `--load-extension`, hence Chromium only.
fn launch_chromium(extension: &Path, url: &str) {
    let has_display =
        std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some();
    let browser = ["chromium", "chromium-browser"]
        .into_iter()
        .find(|b| which(b));
    match (has_display, browser) {
        (false, _) => println!("(no display: not launching a browser)"),
        (true, None) => println!("(Chromium not found: not launching a browser)"),
        (true, Some(bin)) => {
            let ext = std::fs::canonicalize(extension).unwrap_or_else(|_| extension.to_path_buf());
            let profile = std::env::temp_dir().join("authlens-demo-profile");
            let spawned = Command::new(bin)
                .arg(format!("--user-data-dir={}", profile.display()))
                .arg(format!("--load-extension={}", ext.display()))
                .arg("--auto-open-devtools-for-tabs")
                .arg("--no-first-run")
                .arg(url)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn();
            match spawned {
                Ok(_) => println!("launched {bin} with the extension and DevTools open"),
                Err(e) => println!("could not launch {bin}: {e}"),
            }
        }
    }
}

fn which(bin: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(bin).is_file()))
}
