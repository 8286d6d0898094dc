// Records every network request the whole browser makes, from every target (pages, the
// DevTools window, extension frames, service workers), through CDP on the browser target:
// Target.setAutoAttach (flattened, recursively) plus Network.enable in each session.
// Used by the privacy test to show that authlens itself makes no requests.

/**
 * Starts recording on `browser`. Resolves to { requests, targets, stop() } where
 * `requests` is a live array of { url, documentURL, targetType, targetUrl } (targetUrl: the
 * target's URL when it was attached, maybe before it navigated) and `targets` the attached
 * targets' { type, url }.
 */
export async function recordAllRequests(browser) {
  const requests = [];
  const targets = [];
  const sessions = [];
  const watch = async (session, info) => {
    sessions.push(session);
    if (info) targets.push({ type: info.type, url: info.url });
    session.on("Target.attachedToTarget", (event) => {
      const child = session.connection()?.session(event.sessionId);
      if (child) watch(child, event.targetInfo).catch(() => {});
    });
    session.on("Network.requestWillBeSent", (event) => {
      requests.push({ url: event.request.url, documentURL: event.documentURL ?? "", targetType: info?.type ?? "browser", targetUrl: info?.url ?? "" });
    });
    if (info) {
      // Workers and some frames have no Network domain until their runtime resumes;
      // a failure here means the target cannot make requests we could see anyway.
      await session.send("Network.enable").catch(() => {});
      await session.send("Runtime.runIfWaitingForDebugger").catch(() => {});
    }
    await session.send("Target.setAutoAttach", { autoAttach: true, waitForDebuggerOnStart: true, flatten: true }).catch(() => {});
  };
  const root = await browser.target().createCDPSession();
  await watch(root, null);
  return {
    requests,
    targets,
    async stop() {
      for (const s of sessions.reverse()) await s.detach().catch(() => {});
    },
  };
}
