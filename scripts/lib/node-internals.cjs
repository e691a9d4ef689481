"use strict";
// Every use of Node's private or undocumented module-loader API in this project, and nothing else
// (__tests__/unit/node-internals.test.ts fails if another file under scripts/ uses one). The app command
// (scripts/cdktf-app.cjs, scripts/app-runner/) and the cdktf CLI's launcher (scripts/cdktf-cli/code-cache.cjs)
// call these functions; each says what it does, why no supported API does it on Node 20.20, and what it
// gains. A Node upgrade that changes one of them breaks it here, in one place: the integration tests
// app-runner.test.ts and cdktf-cli.test.ts hold the callers to what plain Node does.
//
// What Node 20.20 offers instead, checked on this machine:
// - module.register() hooks run off-thread and see `import` only: a `require()` (how the app loads its
//   TypeScript, and the CLI its bundle) passes none of them (checked: a registered resolve and load hook
//   are called for an import() of a package, not for a require() of it). Synchronous hooks that also see
//   require, module.registerHooks(), come with later Node lines: 20.20 has none.
// - Node's compile cache (module.enableCompileCache(), NODE_COMPILE_CACHE) comes with Node 22.1; in 20.20
//   `typeof require("node:module").enableCompileCache` is "undefined", and NODE_COMPILE_CACHE does nothing.
// - No diagnostics channel reports a require in 20.20 (nothing is published on module.require.*).
// - require.extensions is documented, but deprecated (DEP0039) since v0.10.6. require.cache is documented and
//   writable, but what Node puts there is a Module, and making one (new Module, its lookup paths) is not.
//
// Measured on this machine (2-core AMD EPYC, Node 20.20.2) on 2026-12-08: medians (min–max) of 11 runs of
// each side, interleaved, after warm-up runs; a synth of the shipped environments (`node scripts/cdktf-app.cjs
// main.ts` against `node --import tsx main.ts`, same output):
// (a) registerCompiler alone (packages loaded one by one, as on an entry's first run): 1.33 s (1.10–1.74)
//     against tsx's 2.62 s (2.09–2.89): 1.3 s less per synth, plan and drift.
// (b) with the package bundle (runCommonJs, seedModuleCache, recordResolutions): 0.95 s (0.86–1.30), 0.38 s
//     less than (a); 2.8× faster than tsx.
// (c) compileCommonJsWith, the cdktf CLI's code cache: `cdktf synth` 1.83 s (1.56–2.10) against 2.27 s
//     (1.87–2.40) without the launcher's hook; `cdktf --version` 0.39 s against 0.51 s.
const Module = require("node:module");
const { dirname } = require("node:path");

/**
 * Makes `require` of a file ending in `extension` run what `compile(filename)` returns (CommonJS).
 * The only synchronous way to load non-JavaScript through require in Node 20 (tsx does the same for
 * require). Gain: the app command's TypeScript loading against tsx's, see (a) above.
 */
function registerCompiler(extension, compile) {
  Module._extensions[extension] = (module, filename) => module._compile(compile(filename), filename);
}

/**
 * Runs the main module named by process.argv[1], as `node <file>` does: `require.main === module` holds
 * in it. No gain: it keeps scripts run through the app command (npm run plan) behaving as under node.
 * Called directly (not wrapped), so that the app runs one stack frame shallower (README "Performance").
 */
const runMain = Module.runMain;

/**
 * The source of a CommonJS module as Node wraps it: a function of (exports, require, module, __filename,
 * __dirname), to compile as a vm.Script. vm.compileFunction takes the parameters instead, but in Node 20 it
 * makes its code cache only as it compiles, before the code runs (checked: the function it returns has no
 * createCachedData); a vm.Script's cache, written at exit, holds every function the run compiled, which
 * (b) and (c) rest on.
 */
function wrapModule(source) {
  return Module.wrap(source);
}

/**
 * Runs `script` (compiled from wrapModule's output, with V8's code cache) as the CommonJS module of
 * `filename`, outside the module cache, and returns that module. The app command runs its package bundle
 * this way. Gain: with seedModuleCache and recordResolutions, (b) above.
 */
function runCommonJs(script, filename) {
  const module = new Module(filename, null);
  module.filename = filename;
  script.runInThisContext().call(module.exports, module.exports, Module.createRequire(filename), module, filename, dirname(filename));
  return module;
}

/**
 * Makes `require` of `filename` return `exports()` (read when required), as if Node had loaded that file,
 * unless Node has loaded it already. The app command enters each package of its bundle so, so that every
 * requirer, bundled or not, shares one instance. Gain: (b) above.
 */
function seedModuleCache(filename, exports) {
  if (Module._cache[filename]) return;
  const entry = new Module(filename, null);
  entry.filename = filename;
  entry.loaded = true;
  entry.paths = Module._nodeModulePaths(dirname(filename));
  Object.defineProperty(entry, "exports", { get: exports });
  Module._cache[filename] = entry;
}

/**
 * Calls `listener(request, parent, resolve)` before every require; `resolve()` gives the file Node
 * resolves the request to. The app command notes so which package files the project requires, to bundle
 * them on the next run. Gain: (b) above.
 */
function recordResolutions(listener) {
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    listener(request, parent, () => Module._resolveFilename(request, parent, isMain));
    return load.call(this, request, parent, isMain);
  };
}

/**
 * Compiles the CommonJS files Node loads from now on with the vm.Script that `scriptFor(content, filename)`
 * returns (compiled from wrapModule's output, with V8's code cache); where it returns undefined, and for
 * ES modules, Node compiles as always. The cdktf CLI's launcher uses it for the CLI's files. Gain: (c) above.
 */
function compileCommonJsWith(scriptFor) {
  const compile = Module.prototype._compile;
  Module.prototype._compile = function (content, filename, format) {
    const script = format === "module" ? undefined : scriptFor(content, filename);
    if (script === undefined) return compile.call(this, content, filename, format);
    const wrapper = script.runInThisContext({ displayErrors: true });
    return wrapper.call(this.exports, this.exports, requireFor(this), this, filename, dirname(filename));
  };
}

/** The `require` Node gives a module's code (its makeRequireFunction), for compileCommonJsWith. */
function requireFor(module) {
  const require = (id) => module.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, module, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, module);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

module.exports = { compileCommonJsWith, recordResolutions, registerCompiler, runCommonJs, runMain, seedModuleCache, wrapModule };
