"use strict";
// Loaded first by the cdktf CLI's launcher (written by patch.cjs): the CommonJS files the CLI loads from
// node_modules compile with V8's code cache (../app-runner/v8-cache.cjs), one entry per file content, in
// the app command's cache folder (~0.25 s of every `cdktf synth`, README "Performance").
const { createHash } = require("node:crypto");
const { readdirSync, rmSync } = require("node:fs");
const Module = require("node:module");
const { basename, dirname, join, sep } = require("node:path");
const v8 = require("node:v8");
const { CACHE } = require("../app-runner/compile.cjs");
const { cachedScript } = require("../app-runner/v8-cache.cjs");

// ink's layout engine (yoga-layout-prebuilt) is asm.js, which V8 validates and compiles whole on every
// start (~0.13 s), outside the code cache. As ordinary JavaScript it compiles lazily, and from the cache.
v8.setFlagsFromString("--no-validate-asm");

const DIR = join(CACHE, "cdktf-cli");
const IN_PACKAGE = `${sep}node_modules${sep}`;
const hash = (text) => createHash("sha256").update(text).digest("hex").slice(0, 32);

const compile = Module.prototype._compile;
Module.prototype._compile = function (content, filename, format) {
  if (format === "module" || !filename.includes(IN_PACKAGE) || !/\.c?js$/.test(filename)) return compile.call(this, content, filename, format);
  const entry = join(DIR, `${hash(filename)}-${hash(content)}.v8`);
  let script;
  try {
    // A hashbang is valid only at the very start; commented out, the lines keep their numbers.
    script = cachedScript(Module.wrap(content.startsWith("#!") ? `//${content}` : content), filename, entry, () => dropOtherContents(entry));
  } catch (err) {
    // ES module syntax in a .js file, which Node detects and loads as a module; or a real syntax error,
    // which Node reports as it always does.
    if (err instanceof SyntaxError) return compile.call(this, content, filename, format);
    throw err;
  }
  const wrapper = script.runInThisContext({ displayErrors: true });
  return wrapper.call(this.exports, this.exports, requireFor(this), this, filename, dirname(filename));
};

/** The `require` Node gives a module's code (its makeRequireFunction). */
function requireFor(module) {
  const require = (id) => module.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, module, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, module);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

/** Removes the entries of the same file's earlier contents (an upgraded package): they are no use any more. */
function dropOtherContents(entry) {
  const file = basename(entry);
  const sameFile = file.slice(0, file.indexOf("-") + 1);
  for (const other of readdirSync(DIR)) if (other.startsWith(sameFile) && other.endsWith(".v8") && other !== file) rmSync(join(DIR, other), { force: true });
}
