"use strict";
// Loaded first by the cdktf CLI's launcher (written by patch.cjs): the CommonJS files the CLI loads from
// node_modules compile with V8's code cache, one entry per file content, in the app command's cache
// folder. An entry is written when the process exits, so that it holds every function the run compiled,
// not only each file's top level (~0.25 s of every `cdktf synth`, README "Performance").
const { createHash } = require("node:crypto");
const { readdirSync, readFileSync, rmSync } = require("node:fs");
const Module = require("node:module");
const { basename, dirname, join, sep } = require("node:path");
const v8 = require("node:v8");
const vm = require("node:vm");
const { CACHE, writeAtomically } = require("../app-runner/compile.cjs");

// ink's layout engine (yoga-layout-prebuilt) is asm.js, which V8 validates and compiles whole on every
// start (~0.13 s), outside the code cache. As ordinary JavaScript it compiles lazily, and from the cache.
v8.setFlagsFromString("--no-validate-asm");

const DIR = join(CACHE, "cdktf-cli");
const IN_PACKAGE = `${sep}node_modules${sep}`;
const hash = (text) => createHash("sha256").update(text).digest("hex").slice(0, 32);
/** Scripts compiled without a usable entry: their entries are written at exit. */
const fresh = [];

const compile = Module.prototype._compile;
Module.prototype._compile = function (content, filename, format) {
  if (format === "module" || !filename.includes(IN_PACKAGE) || !/\.c?js$/.test(filename)) return compile.call(this, content, filename, format);
  const entry = join(DIR, `${hash(filename)}-${hash(content)}.v8`);
  let cachedData;
  try {
    cachedData = readFileSync(entry);
  } catch {
    // none yet
  }
  let script;
  try {
    // A hashbang is valid only at the very start; commented out, the lines keep their numbers.
    script = new vm.Script(Module.wrap(content.startsWith("#!") ? `//${content}` : content), { filename, cachedData });
  } catch (err) {
    // ES module syntax in a .js file, which Node detects and loads as a module; or a real syntax error,
    // which Node reports as it always does.
    if (err instanceof SyntaxError) return compile.call(this, content, filename, format);
    throw err;
  }
  if (cachedData === undefined || script.cachedDataRejected) fresh.push([entry, script]);
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

process.once("exit", () => {
  for (const [entry, script] of fresh) {
    try {
      writeAtomically(entry, script.createCachedData());
      // The entries of the same file's earlier contents (an upgraded package) are no use any more.
      const file = basename(entry);
      const sameFile = file.slice(0, file.indexOf("-") + 1);
      for (const other of readdirSync(DIR)) if (other.startsWith(sameFile) && other.endsWith(".v8") && other !== file) rmSync(join(DIR, other), { force: true });
    } catch {
      // A cache that cannot be written only costs time.
    }
  }
});
