"use strict";
// The app command: cdktf.json runs `node scripts/cdktf-app.cjs main.ts`, and so do `npm run plan`,
// `npm run drift`, the benchmark and the tests. It exists for speed (README "Performance"):
//
// - Each TypeScript file is compiled on its own by esbuild the first time it is loaded, and the JavaScript
//   is kept in node_modules/.cache by content, so a warm run compiles nothing and never starts esbuild.
//   Only `.ts` files go through this: a general loader such as tsx also inspects every JavaScript module
//   Node loads, and the provider packages are many large ones (that cost 0.4 s per synth).
// - Node's source maps stay off: cdktf captures a full stack trace for every token, and with source maps on
//   Node maps every frame of each of them (another 0.5 s). With NODE_OPTIONS=--enable-source-maps the
//   compiled files carry inline maps, and stack traces point at TypeScript lines again.
const { createHash } = require("node:crypto");
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require("node:fs");
const Module = require("node:module");
const { join, relative, resolve } = require("node:path");

const ROOT = join(__dirname, "..");
const CACHE = join(ROOT, "node_modules", ".cache", "portable-backend-ts");
// The project's compiler options (class-field semantics, module interop): the same as tsc type-checks.
const TSCONFIG = readFileSync(join(ROOT, "tsconfig.json"), "utf8");
const SOURCE_MAPS = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)].includes("--enable-source-maps");
if (!SOURCE_MAPS) process.setSourceMapsEnabled(false);

const [entry] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/cdktf-app.cjs <app entry, e.g. main.ts>");
  process.exit(2);
}

/** Writes a cache file so that a concurrent reader sees all of it or nothing. */
function writeAtomically(file, content) {
  mkdirSync(CACHE, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}

/** The CommonJS for one TypeScript file: from the cache, or compiled now (esbuild is loaded only then). */
function compile(filename) {
  const source = readFileSync(filename, "utf8");
  const key = createHash("sha256").update(`${SOURCE_MAPS}\0${TSCONFIG}\0${filename}\0${source}`).digest("hex");
  const cached = join(CACHE, `${key}.js`);
  try {
    return readFileSync(cached, "utf8");
  } catch {
    const { code } = transform(source, filename);
    writeAtomically(cached, code);
    return code;
  }
}

/** A TypeScript file esbuild cannot read: reported by file, line and column, without a stack trace. */
class CompileError extends Error {}

function transform(source, filename) {
  try {
    return require("esbuild").transformSync(source, {
      loader: "ts", format: "cjs", platform: "node", target: "node20", tsconfigRaw: TSCONFIG, sourcefile: filename, sourcemap: SOURCE_MAPS ? "inline" : false,
    });
  } catch (err) {
    if (!Array.isArray(err.errors)) throw err;
    const shown = (file) => (relative(process.cwd(), file).startsWith("..") ? file : relative(process.cwd(), file));
    const where = (l) => (l ? `${shown(l.file)}:${l.line}:${l.column + 1}: ` : "");
    throw new CompileError(err.errors.map((e) => `${where(e.location)}${e.text}`).join("\n"));
  }
}

Module._extensions[".ts"] = (module, filename) => module._compile(compile(filename), filename);

try {
  require(resolve(entry));
} catch (err) {
  if (!(err instanceof CompileError)) throw err;
  console.error(`${err.message}\nNothing was synthesized.`);
  process.exit(1);
}
