"use strict";
// The app command: cdktf.json runs `node scripts/cdktf-app.cjs main.ts`, and so do `npm run plan`,
// `npm run drift`, the benchmark and the tests to synthesize. The stack commands themselves run through it
// too (`node scripts/cdktf-app.cjs scripts/plan.ts ...`): they start every pull request's plan and every
// drift check. It exists for speed (README "Performance"):
// - the packages the app imports load from one cached bundle with V8's code cache (app-runner/vendor.cjs);
// - the project's TypeScript is compiled by esbuild once per file content (app-runner/compile.cjs).
// A general loader such as tsx inspects every module Node loads instead, and turns on source maps, which
// cdktf's token stack traces make expensive. NODE_OPTIONS=--enable-source-maps gives TypeScript lines.
const { resolve } = require("node:path");
const { CompileError, registerTypeScript } = require("./app-runner/compile.cjs");
const { buildVendor, loadVendor, needsBuild, openVendor, recordPackages } = require("./app-runner/vendor.cjs");
const { runMain } = require("./lib/node-internals.cjs");

const [entry] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/cdktf-app.cjs <app entry, e.g. main.ts>");
  process.exit(2);
}
const main = resolve(entry);
// As `node <entry> args...` would see it: scripts run through this (npm run plan) read their own arguments.
process.argv.splice(1, 2, main);

function run(vendor) {
  try {
    loadVendor(vendor);
    // As node itself runs a main module, so that `require.main === module` holds in the entry.
    runMain();
  } catch (err) {
    // An error a person can fix from its message (lib/errors.ts: a bad environment file, a residency
    // violation) is printed as that message alone; any other keeps its stack.
    if (err instanceof Error && err.expected === true) {
      console.error(err.message);
      process.exit(1);
    }
    if (!(err instanceof CompileError)) throw err;
    console.error(`${err.message}\nNothing ran: nothing was synthesized or written.`);
    process.exit(1);
  }
}

registerTypeScript();
const vendor = openVendor(main);
recordPackages(vendor);
// The app runs from a macrotask of its own: outside the build's promise, so that its errors are reported
// as uncaught, as when it runs directly, and below a short stack: cdktf formats a full stack trace for
// every token it creates, and the frames of Node loading this file were a quarter of each.
if (needsBuild(vendor)) buildVendor(vendor).then(() => setImmediate(run, vendor));
else setImmediate(run, vendor);
