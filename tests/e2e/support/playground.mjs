// Starts the playground server (`authlens demo --port 0`) for a test run and stops it after.
// The binary is AUTHLENS_BIN, else the newer of target/release/authlens (what `make build`
// produces) and target/debug/authlens.

import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./paths.mjs";

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:(\d+))/;

function newestBuild() {
  const candidates = ["release", "debug"]
    .map((profile) => join(ROOT, "target", profile, "authlens"))
    .filter((p) => existsSync(p))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return candidates[0];
}

/** Starts the playground; resolves to { url, port, origin, otherOrigin, stop() }. */
export async function startPlayground({ timeoutMs = 15000 } = {}) {
  const bin = process.env.AUTHLENS_BIN ?? newestBuild();
  if (!bin || !existsSync(bin)) {
    throw new Error(`playground binary not found (${bin ?? "target/{release,debug}/authlens"}): run \`make build\` or \`cargo build\`, or set AUTHLENS_BIN`);
  }
  const www = join(ROOT, "dist", "www");
  const child = spawn(bin, ["demo", "--port", "0", "--www", www], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const found = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`playground did not start in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk) => {
      output += chunk;
      const m = LISTENING.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout.setEncoding("utf8").on("data", onData);
    child.stderr.setEncoding("utf8").on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`playground exited with ${code}:\n${output}`));
    });
  });
  const port = Number(found[2]);
  return {
    url: `${found[1]}/`,
    port,
    origin: found[1],
    // Same server, other host name: a different origin and site for the browser.
    otherOrigin: `http://localhost:${port}`,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}
