#!/usr/bin/env node
// Writes the browser builds from ONE manifest source (extension/manifest.json) plus the
// per-browser differences below, and the standalone analyzer:
//
//   dist/chrome/   MV3, background.service_worker, pinned id via "key"
//   dist/firefox/  MV3, background.scripts, browser_specific_settings.gecko
//   dist/www/      www/ + the shared view styles + the wasm package
//
// Expects dist/pkg/ (wasm-bindgen --target web output, already wasm-opt'ed).
// Usage: node extension/build.mjs [--dist DIR]

import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const distArg = process.argv.indexOf("--dist");
const dist = resolve(distArg > 0 ? process.argv[distArg + 1] : join(root, "dist"));
const pkg = join(dist, "pkg");

if (!existsSync(join(pkg, "authlens.js")) || !existsSync(join(pkg, "authlens_bg.wasm"))) {
  console.error(`build.mjs: ${pkg} is missing authlens.js / authlens_bg.wasm; run wasm-bindgen first`);
  process.exit(1);
}

const base = JSON.parse(readFileSync(join(here, "manifest.json"), "utf8"));

// Files every extension build ships (the manifest is written separately).
const extensionFiles = [
  "authlens.css",
  "background.js",
  "devtools.html",
  "devtools.js",
  "icons",
  "panel.html",
  "panel.js",
];

const overrides = {
  chrome(m) {
    return m;
  },
  firefox(m) {
    // Firefox has no extension service workers: the same script runs as an event page.
    // "key" is Chrome-only; Firefox pins the id with gecko.id instead.
    const { key: _key, ...rest } = m;
    return {
      ...rest,
      background: { scripts: [m.background.service_worker] },
      browser_specific_settings: {
        gecko: {
          id: "authlens@authlens.dev",
          // 140: the first release that knows data_collection_permissions.
          strict_min_version: "140.0",
          // authlens collects nothing: captured data stays in the DevTools window.
          data_collection_permissions: { required: ["none"] },
        },
        gecko_android: { strict_min_version: "142.0" },
      },
    };
  },
};

function copyPkg(to) {
  mkdirSync(to, { recursive: true });
  for (const f of ["authlens.js", "authlens_bg.wasm"]) {
    cpSync(join(pkg, f), join(to, f));
  }
}

for (const [browser, override] of Object.entries(overrides)) {
  const out = join(dist, browser);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const f of extensionFiles) {
    cpSync(join(here, f), join(out, f), { recursive: true });
  }
  const manifest = override(structuredClone(base));
  writeFileSync(join(out, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  copyPkg(join(out, "pkg"));
  console.log(`wrote ${out}`);
}

const www = join(dist, "www");
rmSync(www, { recursive: true, force: true });
cpSync(join(root, "www"), www, { recursive: true });
cpSync(join(here, "authlens.css"), join(www, "authlens.css"));
copyPkg(join(www, "pkg"));
console.log(`wrote ${www}`);
