import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

// Node's private and undocumented module-loader API is used in one file, scripts/lib/node-internals.cjs,
// where each use says why and what it gains (README "Performance"), so that a Node upgrade that changes
// the loader breaks one file. Every other file under scripts/ calls that file's functions instead.
const ROOT = join(__dirname, "..", "..");
const INTERNALS = "scripts/lib/node-internals.cjs";

/** A use of the loader's internals: Module._load, module._compile, require.extensions' twin, Module.wrap, ... */
const INTERNAL_USE = [
  /\bModule\._\w+/,
  /\._(load|cache|extensions|compile|resolveFilename|resolveLookupPaths|nodeModulePaths|findPath|pathCache|initPaths|preloadModules)\b/,
  /\b_extensions\b/,
  /\bModule\.(wrap|runMain)\b/,
  /\bnew Module\(/,
  /\bprocess\.mainModule\b/,
];

const filesUnder = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => relative(ROOT, join(e.parentPath, e.name)));

const usesIn = (file: string) =>
  readFileSync(join(ROOT, file), "utf8").split("\n").flatMap((line, i) => (INTERNAL_USE.some((p) => p.test(line)) ? [`${file}:${i + 1}: ${line.trim()}`] : []));

test("no file under scripts/ but node-internals.cjs uses Node's module-loader internals", () => {
  const files = filesUnder("scripts").filter((file) => file !== INTERNALS);
  expect(files).toEqual(expect.arrayContaining(["scripts/cdktf-app.cjs", "scripts/app-runner/vendor.cjs", "scripts/cdktf-cli/code-cache.cjs"]));
  expect(files.flatMap(usesIn)).toEqual([]);
});

test("the patterns find the uses in node-internals.cjs (so that the check above still looks for something)", () => {
  const found = usesIn(INTERNALS).join("\n");
  for (const use of ["Module._extensions", "module._compile", "Module._load", "Module._cache", "Module._resolveFilename", "Module._nodeModulePaths", "Module._resolveLookupPaths", "Module.prototype._compile", "Module.wrap", "Module.runMain", "new Module(", "process.mainModule"]) {
    expect({ use, found: found.includes(use) }).toEqual({ use, found: true });
  }
});
