"use strict";
// TypeScript → CommonJS, one file at a time, cached by content: every TypeScript file the app loads (its
// own, the bindings in .gen, environment files required by path) goes through here, so an edit
// recompiles one file. The packages the app imports are bundled separately (vendor.cjs).
const { createHash } = require("node:crypto");
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require("node:fs");
const { dirname, join, relative } = require("node:path");
const { registerCompiler } = require("../lib/node-internals.cjs");

const ROOT = join(__dirname, "..", "..");
const CACHE = join(ROOT, "node_modules", ".cache", "portable-backend-app");
// The project's compiler options (strictness, class-field semantics, module interop): what tsc type-checks.
const TSCONFIG = readFileSync(join(ROOT, "tsconfig.json"), "utf8");
// Node's source maps stay off unless asked for: cdktf captures a full stack trace for every token, and
// with source maps on Node maps every frame of each of them (0.5 s per synth).
const SOURCE_MAPS = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)].includes("--enable-source-maps");

/** A TypeScript file esbuild cannot read: reported by file, line and column, without a stack trace. */
class CompileError extends Error {}

/** esbuild's messages as `file:line:col: text` lines, with paths relative to the working folder where shorter. */
function formatMessages(messages) {
  const shown = (file) => (relative(process.cwd(), file).startsWith("..") ? file : relative(process.cwd(), file));
  const where = (l) => (l ? `${shown(l.file)}:${l.line}:${l.column + 1}: ` : "");
  return messages.map((m) => `${where(m.location)}${m.text}`).join("\n");
}

/** Writes a cache file so that a concurrent reader sees all of it or nothing. */
function writeAtomically(file, content) {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}

/** The CommonJS for one TypeScript file: from the cache, or compiled now (esbuild is loaded only then). */
function compile(filename) {
  const source = readFileSync(filename, "utf8");
  const key = createHash("sha256").update(`${SOURCE_MAPS}\0${TSCONFIG}\0${filename}\0${source}`).digest("hex");
  const cached = join(CACHE, "files", `${key}.js`);
  try {
    return readFileSync(cached, "utf8");
  } catch {
    const { code } = transform(source, filename);
    writeAtomically(cached, code);
    return code;
  }
}

function transform(source, filename) {
  try {
    return require("esbuild").transformSync(source, {
      loader: "ts", format: "cjs", platform: "node", target: "node20", tsconfigRaw: TSCONFIG, sourcefile: filename, sourcemap: SOURCE_MAPS ? "inline" : false,
    });
  } catch (err) {
    if (!Array.isArray(err.errors)) throw err;
    throw new CompileError(formatMessages(err.errors));
  }
}

/** Lets Node require TypeScript files. */
function registerTypeScript() {
  registerCompiler(".ts", compile);
}

module.exports = { CACHE, ROOT, CompileError, registerTypeScript, writeAtomically };
