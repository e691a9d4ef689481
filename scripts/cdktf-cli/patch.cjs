"use strict";
// Makes the cdktf CLI start and finish sooner (README "Performance", (2)). Run by scripts/setup.sh after npm
// installs (not as an install script, which the packed package would carry to every project installing it);
// a patched CLI is left as it is.
//
// - Every `cdktf synth`, `plan` and `deploy` loaded what only `cdktf convert` and `cdktf get` use: the HCL
//   converter (@cdktf/hcl2cdk → jsii-rosetta → the TypeScript compiler, prettier; ~0.8 s) and two Go
//   WebAssembly modules that start a Go runtime as soon as they are required (@cdktf/hcl2json,
//   @cdktf/hcl-tools; ~0.15 s). They are now required when first used.
// - Each command waited 100 ms after its work was done before it exited. ink writes its last frame when
//   it exits, so it now exits at once.
// - The launcher compiles the CLI with V8's code cache (code-cache.cjs), and turns off the CLI's checkpoint
//   (version check and usage report to HashiCorp) unless CHECKPOINT_DISABLE is set already.
// cdktf-cli 0.21.0 is the last release (the project is archived), so these exact edits of its bundle stay
// valid. Any other version is left unpatched, and integration/cdktf-cli.test.ts fails until this file
// knows it.
const { existsSync, readFileSync, writeFileSync } = require("node:fs");
const { join, relative } = require("node:path");

const VERSION = "0.21.0";
const MARK = "portable-backend: scripts/cdktf-cli/patch.cjs";

/** A module object whose properties require the module when first read. */
const lazy = (module) => `new Proxy({},{get:(_,k)=>require(${JSON.stringify(module)})[k]})`;

/** Each edit of bundle/bin/cmds/handlers.js: what it replaces (found exactly once) and with what. */
const HANDLERS = [
  ['xet=require("@cdktf/hcl2cdk")', `xet=${lazy("@cdktf/hcl2cdk")}`], // cdktf convert
  ['IE=require("@cdktf/hcl2cdk")', `IE=${lazy("@cdktf/hcl2cdk")}`], // cdktf init --from-terraform-project
  // cli-core's convertConfigurationFile (`import * as hcl2cdk`), which reads `.convert` only. The
  // __toESM wrapper (ge) goes too: it copies the module's keys, and a proxy has none.
  ['AMe=ge(require("@cdktf/hcl2cdk"))', `AMe=${lazy("@cdktf/hcl2cdk")}`],
  ['CTe=require("@cdktf/hcl2json")', `CTe=${lazy("@cdktf/hcl2json")}`], // cdktf get of Terraform modules
  ['VMe=require("@cdktf/hcl-tools")', `VMe=${lazy("@cdktf/hcl-tools")}`], // synth's `hcl` output format
  // useCdktfProject, when the command's work is done: `setTimeout(() => { exit(); ... }, 100)`.
  ['setTimeout(()=>{r(),process.platform==="win32"&&process.exit(0)},100)', 'setTimeout(()=>{r(),process.platform==="win32"&&process.exit(0)},0)'],
];

/** The launcher npx runs: compiles the CLI with the code cache, if this project is still where it was. */
function launcher(binDir, hook) {
  const path = JSON.stringify(relative(binDir, hook));
  return `#!/usr/bin/env node
// ${MARK}: the CLI compiles with V8's code cache.
// No version check against HashiCorp's checkpoint service (the CLI's own switch): offline it printed a red
// "[ERROR] getaddrinfo ENOTFOUND checkpoint-api.hashicorp.com" on every command, and online it reports usage.
process.env.CHECKPOINT_DISABLE ??= "1";
const hook = require("node:path").join(__dirname, ${path});
if (require("node:fs").existsSync(hook)) require(hook);
require("./cdktf.js");
`;
}

class PatchError extends Error {}

/** Patches the CLI in `cliDir` (node_modules/cdktf-cli); says what it did, or throws PatchError. */
function patchCli(cliDir, hook = join(__dirname, "code-cache.cjs")) {
  const { version } = JSON.parse(readFileSync(join(cliDir, "package.json"), "utf8"));
  if (version !== VERSION) throw new PatchError(`cdktf-cli ${version} is installed; scripts/cdktf-cli/patch.cjs knows ${VERSION} only, so the CLI is left unpatched`);

  const handlersFile = join(cliDir, "bundle", "bin", "cmds", "handlers.js");
  const original = readFileSync(handlersFile, "utf8");
  let handlers = original;
  for (const [from, to] of HANDLERS) {
    if (count(handlers, to) === 1) continue; // applied before
    if (count(handlers, from) !== 1) throw new PatchError(`${relative(process.cwd(), handlersFile)}: expected \`${from}\` exactly once, found it ${count(handlers, from)} times; the CLI is left unpatched`);
    handlers = handlers.replace(from, to);
  }

  const binDir = join(cliDir, "bundle", "bin");
  const bin = join(binDir, "cdktf");
  const wanted = launcher(binDir, hook);
  const launcherChanged = readFileSync(bin, "utf8") !== wanted;
  if (handlers === original && !launcherChanged) return "already patched";
  if (handlers !== original) writeFileSync(handlersFile, handlers);
  if (launcherChanged) writeFileSync(bin, wanted);
  return "patched";
}

const count = (text, part) => text.split(part).length - 1;

module.exports = { PatchError, VERSION, patchCli };

if (require.main === module) {
  const cliDir = join(__dirname, "..", "..", "node_modules", "cdktf-cli");
  // A production install (npm ci --omit=dev) has no CLI.
  if (!existsSync(join(cliDir, "package.json"))) process.exit(0);
  try {
    console.log(`cdktf CLI: ${patchCli(cliDir)} (lazy HCL converter, no exit delay, V8 code cache)`);
  } catch (err) {
    if (!(err instanceof PatchError)) throw err;
    // Only costs time: the CLI works unpatched. Not an install failure.
    console.warn(`cdktf CLI: ${err.message}`);
  }
}
