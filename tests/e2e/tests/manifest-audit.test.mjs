// Permissions and CSP audit of the BUILT extensions (issue 7, "Hardening"): what ships in
// dist/chrome and dist/firefox, after extension/build.mjs has rewritten the manifest for
// each browser. tests/audit_sources.rs checks the source manifest; this checks the output,
// so a build step that adds a permission or loosens the CSP fails here.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DIST, ROOT } from "../support/paths.mjs";

const ALLOWED_PERMISSIONS = new Set(["browsingData"]);
const CSP = "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'";

/** Every string anywhere in a JSON value, so `<all_urls>` is found wherever it hides. */
function allStrings(value, out = []) {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => allStrings(v, out));
  else if (value && typeof value === "object") Object.entries(value).forEach(([k, v]) => (out.push(k), allStrings(v, out)));
  return out;
}

/** The permission names the README's "## Permissions" section justifies (its table's first column). */
function readmePermissions() {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const m = /^## Permissions\n([\s\S]*?)(?=^## )/m.exec(readme);
  assert.ok(m, "README.md has a '## Permissions' section");
  return new Set([...m[1].matchAll(/^\|\s*`([^`]+)`\s*\|/gm)].map((x) => x[1]));
}

/** The violations of the audit rules in one manifest; empty when it passes. */
function audit(manifest, justified) {
  const problems = [];
  const permissions = manifest.permissions ?? [];
  for (const p of permissions) {
    if (!ALLOWED_PERMISSIONS.has(p)) problems.push(`permission not allowed: ${p}`);
    if (!justified.has(p)) problems.push(`permission not named in the README: ${p}`);
  }
  for (const key of ["host_permissions", "optional_host_permissions", "content_scripts", "optional_permissions"]) {
    if (key in manifest) problems.push(`manifest has ${key}`);
  }
  if (allStrings(manifest).some((s) => s.includes("<all_urls>") || /^\*:\/\//.test(s))) problems.push("manifest mentions <all_urls> or a wildcard host");
  const csp = manifest.content_security_policy?.extension_pages;
  if (csp !== CSP) problems.push(`extension_pages CSP is ${JSON.stringify(csp)}`);
  if (/'unsafe-inline'|'unsafe-eval'/.test(JSON.stringify(manifest.content_security_policy ?? {}))) problems.push("CSP allows unsafe-inline or unsafe-eval");
  if (manifest.content_security_policy?.sandbox) problems.push("manifest declares a sandbox CSP");
  return problems;
}

describe("built manifest audit", () => {
  const justified = readmePermissions();

  it("the README justifies exactly the allowed permissions", () => {
    for (const p of ALLOWED_PERMISSIONS) assert.ok(justified.has(p), `README Permissions names ${p}: ${[...justified]}`);
  });

  for (const browser of ["chrome", "firefox"]) {
    it(`dist/${browser}/manifest.json asks for browsingData only, no hosts, strict CSP`, () => {
      const path = join(DIST, browser, "manifest.json");
      assert.ok(existsSync(path), `${path} exists: run \`make build\` first`);
      const manifest = JSON.parse(readFileSync(path, "utf8"));
      assert.equal(manifest.manifest_version, 3);
      assert.deepEqual(audit(manifest, justified), []);
      assert.deepEqual(manifest.permissions, ["browsingData"]);
    });
  }

  it("the audit itself catches each kind of violation", () => {
    const good = JSON.parse(readFileSync(join(DIST, "chrome", "manifest.json"), "utf8"));
    const mutants = {
      "extra permission": { ...good, permissions: ["browsingData", "storage"] },
      "host permission": { ...good, host_permissions: ["https://example.com/*"] },
      "optional host permission": { ...good, optional_host_permissions: ["<all_urls>"] },
      "content script": { ...good, content_scripts: [{ matches: ["<all_urls>"], js: ["x.js"] }] },
      "all_urls in a web resource": { ...good, web_accessible_resources: [{ resources: ["a"], matches: ["<all_urls>"] }] },
      "unsafe-eval": { ...good, content_security_policy: { extension_pages: "script-src 'self' 'unsafe-eval'; object-src 'self'" } },
      "unsafe-inline": { ...good, content_security_policy: { extension_pages: "script-src 'self' 'wasm-unsafe-eval' 'unsafe-inline'; object-src 'self'" } },
      "no CSP": { ...good, content_security_policy: undefined },
    };
    for (const [name, mutant] of Object.entries(mutants)) {
      assert.notDeepEqual(audit(JSON.parse(JSON.stringify(mutant)), justified), [], `the audit flags: ${name}`);
    }
    assert.notDeepEqual(audit(good, new Set()), [], "a permission missing from the README is flagged");
  });
});
