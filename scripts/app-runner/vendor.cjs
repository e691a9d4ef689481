"use strict";
// The packages the app imports (cdktf, constructs, the provider classes it uses, zod, yaml), as one
// bundle built by esbuild, run with V8's code cache. Loading one file instead of ~560 package modules
// saves Node's resolving, reading and compiling of each of them (README "Performance"). The project's own
// files are not in it: they load one by one as before, so an edit recompiles one file, not a bundle.
//
// Which packages: those the project's files required when the app last ran from this entry. The first
// run of an entry, and a run that requires a package the bundle lacks, load packages the ordinary way
// and note them; the next run builds the bundle. Each bundled module is entered in Node's module cache
// under the file Node would resolve it to, so everything that requires it, bundled or not, shares one
// instance: a package the bundle lacks still gets the bundle's cdktf.
const { createHash } = require("node:crypto");
const { readdirSync, readFileSync, rmSync, statSync } = require("node:fs");
const { isBuiltin } = require("node:module");
const { dirname, join, resolve, sep } = require("node:path");
const { recordResolutions, runCommonJs, seedModuleCache, wrapModule } = require("../lib/node-internals.cjs");
const { CACHE, ROOT, writeAtomically } = require("./compile.cjs");
const { cachedScript } = require("./v8-cache.cjs");

/** How many bundles (~8 MB each with their code cache) and entry records the cache keeps; oldest go first. */
const KEEP_BUNDLES = 8;
const KEEP_RECORDS = 32;
const IN_PACKAGE = `${sep}node_modules${sep}`;
/** The bundle's generated entry (not a file). */
const ENTRY = "<packages of the app>";

const hash = (text) => createHash("sha256").update(text).digest("hex").slice(0, 24);
const readJson = (file) => {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
};

/** The runner's own files: what they require (esbuild) is not the app's. */
const RUNNER = [join(ROOT, "scripts", "cdktf-app.cjs"), `${__dirname}${sep}`];

/**
 * What is known about one entry: the package files its project files required (`[request, file]`),
 * and the bundle of them if one was built and every file it was built from is unchanged (size and
 * modification time, which editors, git and npm all change).
 */
function openVendor(entry) {
  const record = join(CACHE, `entry-${hash(entry)}.json`);
  const packages = readJson(record)?.packages ?? [];
  const id = hash([ROOT, require("esbuild/package.json").version, readFileSync(__filename, "utf8"), ...packages.map(([, file]) => file)].join("\0"));
  const vendor = { entry, record, packages, code: join(CACHE, `vendor-${id}.js`), manifestFile: join(CACHE, `vendor-${id}.json`), built: undefined };
  const manifest = readJson(vendor.manifestFile);
  if (manifest && (manifest.failed || unchanged(manifest.inputs))) vendor.built = manifest;
  return vendor;
}

function unchanged(inputs) {
  for (const [file, size, mtimeMs] of inputs) {
    let stat;
    try {
      stat = statSync(file);
    } catch {
      return false;
    }
    if (stat.size !== size || stat.mtimeMs !== mtimeMs) return false;
  }
  return true;
}

/** Whether a bundle should be built before the app runs: its packages are known and none is usable. */
function needsBuild(vendor) {
  return vendor.packages.length > 0 && vendor.built === undefined;
}

/** Statements that must stay first in a file ("use strict"), so that code put before the rest keeps them. */
const DIRECTIVES = /^(?:#![^\n]*\n)?(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*(?:(["'])use strict\1;?)?/;

/** esbuild plugin: a bundled file that uses __dirname or __filename keeps its own (cdktf runs one of its files). */
const ownFilePaths = {
  name: "own-file-paths",
  setup(build) {
    build.onLoad({ filter: /\.(c?js|mjs)$/ }, (args) => {
      const code = readFileSync(args.path, "utf8");
      if (!/\b__(dirname|filename)\b/.test(code)) return undefined;
      const [prologue] = DIRECTIVES.exec(code);
      const own = `var __filename = ${JSON.stringify(args.path)}, __dirname = ${JSON.stringify(dirname(args.path))};`;
      return { contents: `${prologue}\n${own}\n${code.slice(prologue.length)}`, loader: "js" };
    });
  },
};

/**
 * Builds the bundle of the entry's packages. Its exports are getters, one per package file, so that a
 * package is evaluated when first required, as it would be without the bundle. A package esbuild cannot
 * bundle (a native addon, say) is not an error: the app runs without the bundle, and the failure is
 * remembered until the packages change, so that it costs one build, not one per run.
 */
async function buildVendor(vendor) {
  const contents = vendor.packages.map(([, file]) => `Object.defineProperty(exports, ${JSON.stringify(file)}, { enumerable: true, get: () => require(${JSON.stringify(file)}) });`).join("\n");
  let manifest;
  try {
    const result = await require("esbuild").build({
      stdin: { contents, resolveDir: ROOT, sourcefile: ENTRY },
      absWorkingDir: ROOT, bundle: true, platform: "node", format: "cjs", target: "node20", write: false, outfile: vendor.code,
      metafile: true, plugins: [ownFilePaths], logLevel: "silent",
      // A package that needs import.meta cannot run from a CommonJS bundle.
      logOverride: { "empty-import-meta": "error" },
    });
    const inputs = Object.keys(result.metafile.inputs).filter((input) => input !== ENTRY).map((input) => {
      const file = resolve(ROOT, input);
      const { size, mtimeMs } = statSync(file);
      return [file, size, mtimeMs];
    });
    writeAtomically(vendor.code, result.outputFiles[0].contents);
    manifest = { files: vendor.packages.map(([, file]) => file), codeCache: `${vendor.code.slice(CACHE.length + 1)}.${Date.now()}.v8`, inputs };
  } catch (err) {
    const reason = Array.isArray(err.errors) ? err.errors.map((e) => e.text).join("; ") : err.message;
    console.error(`cdktf-app: running without a bundle of the app's packages (${reason})`);
    manifest = { failed: reason, inputs: [] };
  }
  writeAtomically(vendor.manifestFile, JSON.stringify(manifest));
  vendor.built = manifest;
  prune();
}

/** Keeps the most recent bundles and entry records (tests make apps of their own); drops unused code caches. */
function prune() {
  const newest = (prefix) => readdirSync(CACHE).filter((f) => f.startsWith(prefix) && f.endsWith(".json"))
    .map((f) => ({ f, mtimeMs: statSync(join(CACHE, f)).mtimeMs })).sort((a, b) => b.mtimeMs - a.mtimeMs).map(({ f }) => f);
  for (const f of newest("entry-").slice(KEEP_RECORDS)) rmSync(join(CACHE, f), { force: true });
  for (const f of newest("vendor-").slice(KEEP_BUNDLES)) for (const file of [f, f.replace(/\.json$/, ".js")]) rmSync(join(CACHE, file), { force: true });
  const caches = new Set(newest("vendor-").map((f) => readJson(join(CACHE, f))?.codeCache));
  for (const f of readdirSync(CACHE)) if (f.endsWith(".v8") && !caches.has(f)) rmSync(join(CACHE, f), { force: true });
}

/** Makes the bundle's packages what Node's require returns for their files; the bundle runs with V8's code cache. */
function loadVendor(vendor) {
  if (!vendor.built || vendor.built.failed) return;
  const script = cachedScript(wrapModule(readFileSync(vendor.code, "utf8")), vendor.code, join(CACHE, vendor.built.codeCache));
  const bundle = runCommonJs(script, vendor.code);
  for (const file of vendor.built.files) seedModuleCache(file, () => bundle.exports[file]);
}

/** Notes every package file a project file requires; on exit, adds new ones to the entry's record. */
function recordPackages(vendor) {
  const known = new Set(vendor.packages.map(([request]) => request));
  const found = [];
  recordResolutions((request, parent, resolveFile) => {
    if (known.has(request) || !isPackageRequest(request, parent)) return;
    known.add(request);
    found.push([request, resolveFile()]);
  });
  process.once("exit", () => {
    if (!found.length) return;
    try {
      const packages = [...vendor.packages, ...found].sort(([a], [b]) => (a < b ? -1 : 1));
      writeAtomically(vendor.record, JSON.stringify({ entry: vendor.entry, packages }));
      prune();
    } catch {
      // Only costs time: the next run loads packages one by one again.
    }
  });
}

/** A package (not a relative path, not a Node built-in) required by a project file (not a package's, not ours). */
function isPackageRequest(request, parent) {
  const from = parent?.filename;
  if (!from || from.includes(IN_PACKAGE) || RUNNER.some((r) => from === r || from.startsWith(r))) return false;
  return !/^[./]/.test(request) && !isBuiltin(request);
}

module.exports = { buildVendor, loadVendor, needsBuild, openVendor, recordPackages };
