import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { cdktf } from "./docker";
import { ROOT, synthApp } from "./helpers";

/*
 * The installed cdktf CLI as scripts/cdktf-cli/patch.cjs leaves it (README "Performance", (2)): it starts
 * without the HCL converter, still converts when asked, synthesizes what the app writes, and its
 * launcher's code cache changes nothing a module can observe.
 */

const CLI = join(ROOT, "node_modules", "cdktf-cli", "bundle", "bin");
const HOOK = join(ROOT, "scripts", "cdktf-cli", "code-cache.cjs");
// Where code-cache.cjs keeps its entries (requiring it here would hook this process).
const CACHE = join(require("../../scripts/app-runner/compile.cjs").CACHE, "cdktf-cli");

/** The packages (by name) a script requires, directly or not, as Node resolves them. */
function packagesLoadedBy(script: string): string[] {
  const probe = `const M = require("node:module"); const seen = new Set(); const load = M._load;
M._load = function (request, ...rest) { const m = /^(@[^/]+\\/)?[^./][^/]*/.exec(request); if (m && !M.isBuiltin(request)) seen.add(m[0]); return load.call(this, request, ...rest); };
process.on("exit", () => console.log(JSON.stringify([...seen].sort())));
${script}`;
  return JSON.parse(execa.sync(process.execPath, ["-e", probe], { cwd: ROOT }).stdout);
}

test("the CLI's commands load without the HCL converter and its Go WebAssembly modules", () => {
  const loaded = packagesLoadedBy(`require(${JSON.stringify(join(CLI, "cmds", "handlers.js"))});`);
  expect(loaded).toContain("yoga-layout-prebuilt"); // it did load the commands' own packages
  for (const heavy of ["@cdktf/hcl2cdk", "@cdktf/hcl2json", "@cdktf/hcl-tools", "jsii-rosetta", "typescript", "prettier"]) expect(loaded).not.toContain(heavy);
});

test("cdktf convert still converts: the converter is required when it is used", () => {
  const cwd = mkdtempSync(join(tmpdir(), "convert-"));
  // In a folder of its own, as convert runs outside a project: the project's CLI, as npx would find it inside one.
  const result = execa.sync(join(ROOT, "node_modules", ".bin", "cdktf"), ["convert"], {
    cwd, reject: false, input: 'variable "size" {\n  default = 1\n}\noutput "twice" {\n  value = var.size * 2\n}\n',
    env: { CHECKPOINT_DISABLE: "1", FORCE_COLOR: "0" },
  });
  expect(result.exitCode).toBe(0);
  expect(result.stdout).toContain('const size = new TerraformVariable(this, "size", {');
  expect(result.stdout).toMatch(/new TerraformOutput\(this, "twice", \{\s+value: Op\.mul\(size\.value, 2\),/);
});

test("cdktf synth writes exactly what the app command writes, and says so last", () => {
  const outdir = mkdtempSync(join(tmpdir(), "cdktf-synth-"));
  const result = cdktf(["synth", "--output", outdir]);
  expect(result.exitCode).toBe(0);
  // Its last frame, which ink writes as the CLI exits (no longer 100 ms after the work is done).
  expect(result.stdout).toMatch(/Generated Terraform code for the stacks:\s+gcp-prod,\s+gcp-prod-bootstrap,\s+gcp-staging,\s+gcp-staging-bootstrap,\s+hetzner-prod,\s+hetzner-prod-apps,\s+hetzner-staging,\s+hetzner-staging-apps,\s+local,\s+vps\s*$/);
  const app = synthApp();
  expect(app.result.exitCode).toBe(0);
  const stacks = readdirSync(join(app.outdir, "stacks")).sort();
  expect(readdirSync(join(outdir, "stacks")).sort()).toEqual(stacks);
  for (const stack of stacks) {
    const file = join("stacks", stack, "cdk.tf.json");
    expect(readFileSync(join(outdir, file), "utf8")).toBe(readFileSync(join(app.outdir, file), "utf8"));
  }
});

describe("the launcher's code cache", () => {
  // A package of this test's own under a node_modules folder, as the CLI's packages are.
  const pkg = join(mkdtempSync(join(tmpdir(), "code-cache-")), "node_modules", "probe");
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "probe", version: "1.0.0" }));
  writeFileSync(join(pkg, "index.js"), `#!/usr/bin/env node
"use strict";
const path = require("path");
const other = require("./other");
module.exports = {
  other, strict: this === undefined ? "no this" : this === module.exports,
  dirname: __dirname === path.dirname(__filename), filename: path.basename(__filename),
  resolved: path.relative(__dirname, require.resolve("./other")), lookup: require.resolve.paths("x")[0] === path.join(__dirname, "node_modules"),
  cache: require.cache[__filename] === module, extensions: Object.keys(require.extensions).includes(".js"),
  parent: require.cache[require.resolve("./other")].parent === module, line: new Error().stack.split("\\n")[1].replace(/.*:(\\d+):\\d+\\)?$/, "$1"),
};
`);
  const other = (value: string) => writeFileSync(join(pkg, "other.js"), `exports.value = ${JSON.stringify(value)};\n`);
  other("one");
  writeFileSync(join(pkg, "esm.js"), "export const value = 1;\n");

  const run = (hooked: boolean, request = pkg) => {
    const script = `${hooked ? `require(${JSON.stringify(HOOK)});` : ""}
try { console.log(JSON.stringify(require(${JSON.stringify(request)}))); } catch (err) { console.log(JSON.stringify({ error: err.code ?? err.name })); }`;
    return execa.sync(process.execPath, ["-e", script]).stdout;
  };
  const entriesOf = (file: string) => {
    const prefix = `${createHash("sha256").update(file).digest("hex").slice(0, 32)}-`;
    return readdirSync(CACHE).filter((f) => f.startsWith(prefix)).map((f) => ({ f, mtimeMs: statSync(join(CACHE, f)).mtimeMs }));
  };
  afterAll(() => {
    for (const file of ["index.js", "other.js"]) for (const { f } of entriesOf(join(pkg, file))) rmSync(join(CACHE, f));
  });

  test("a module sees what it sees without it, on the run that writes the cache and on the runs that read it", () => {
    const plain = run(false);
    expect(JSON.parse(plain)).toMatchObject({ other: { value: "one" }, strict: true, dirname: true, resolved: "other.js", lookup: true, cache: true, extensions: true, parent: true, line: "10" });
    expect(run(true)).toBe(plain);
    const written = [...entriesOf(join(pkg, "index.js")), ...entriesOf(join(pkg, "other.js"))];
    expect(written).toHaveLength(2);
    expect(run(true)).toBe(plain);
    // The entries were accepted: nothing was written again.
    expect([...entriesOf(join(pkg, "index.js")), ...entriesOf(join(pkg, "other.js"))]).toEqual(written);
  });

  test("a changed file gets a new entry, which replaces the old one", () => {
    run(true);
    const [before] = entriesOf(join(pkg, "other.js"));
    other("two");
    expect(JSON.parse(run(true)).other).toEqual({ value: "two" });
    const after = entriesOf(join(pkg, "other.js"));
    expect(after).toHaveLength(1);
    expect(after[0].f).not.toBe(before.f);
  });

  test("a .js file in ES module syntax is left to Node, with the same outcome", () => {
    expect(run(true, join(pkg, "esm.js"))).toBe(run(false, join(pkg, "esm.js")));
  });
});
