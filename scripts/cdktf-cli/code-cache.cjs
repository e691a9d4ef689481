"use strict";
// Loaded first by the cdktf CLI's launcher (written by patch.cjs): the CommonJS files the CLI loads from
// node_modules compile with V8's code cache (../app-runner/v8-cache.cjs), one entry per file content, in
// the app command's cache folder (0.44 s of every `cdktf synth`; how it hooks into Node's loader, and why
// no supported API can: ../lib/node-internals.cjs).
const { createHash } = require("node:crypto");
const { readdirSync, rmSync } = require("node:fs");
const { basename, join, sep } = require("node:path");
const v8 = require("node:v8");
const { CACHE } = require("../app-runner/compile.cjs");
const { cachedScript } = require("../app-runner/v8-cache.cjs");
const { compileCommonJsWith, wrapModule } = require("../lib/node-internals.cjs");

// ink's layout engine (yoga-layout-prebuilt) is asm.js, which V8 validates and compiles whole on every
// start (~0.13 s), outside the code cache. As ordinary JavaScript it compiles lazily, and from the cache.
v8.setFlagsFromString("--no-validate-asm");

const DIR = join(CACHE, "cdktf-cli");
const IN_PACKAGE = `${sep}node_modules${sep}`;
const hash = (text) => createHash("sha256").update(text).digest("hex").slice(0, 32);

compileCommonJsWith((content, filename) => {
  if (!filename.includes(IN_PACKAGE) || !/\.c?js$/.test(filename)) return undefined;
  const entry = join(DIR, `${hash(filename)}-${hash(content)}.v8`);
  try {
    // A hashbang is valid only at the very start; commented out, the lines keep their numbers.
    return cachedScript(wrapModule(content.startsWith("#!") ? `//${content}` : content), filename, entry, () => dropOtherContents(entry));
  } catch (err) {
    // ES module syntax in a .js file, which Node detects and loads as a module; or a real syntax error,
    // which Node reports as it always does.
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
});

/** Removes the entries of the same file's earlier contents (an upgraded package): they are no use any more. */
function dropOtherContents(entry) {
  const file = basename(entry);
  const sameFile = file.slice(0, file.indexOf("-") + 1);
  for (const other of readdirSync(DIR)) if (other.startsWith(sameFile) && other.endsWith(".v8") && other !== file) rmSync(join(DIR, other), { force: true });
}
