// Starts the playground server (`authlens demo --port 0`) for a test run and stops it after.
// The binary is target/debug/authlens unless AUTHLENS_BIN names another build.

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./paths.mjs";

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:(\d+))/;

/** Starts the playground; resolves to { url, port, origin, otherOrigin, stop() }. */
export async function startPlayground({ timeoutMs = 15000 } = {}) {
  const bin = process.env.AUTHLENS_BIN ?? join(ROOT, "target", "debug", "authlens");
  if (!existsSync(bin)) {
    throw new Error(`playground binary not found at ${bin}: run \`cargo build\` (or set AUTHLENS_BIN)`);
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
