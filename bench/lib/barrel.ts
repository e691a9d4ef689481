import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";

/*
 * The synth baseline: the project's own sources, copied and rewritten from deep provider imports
 *   import { ComputeNetwork } from "@cdktf/provider-google/lib/compute-network";
 * to the barrel imports most CDKTF code uses
 *   import * as google from "@cdktf/provider-google";
 *   import ComputeNetwork = google.computeNetwork.ComputeNetwork;
 * A TypeScript import alias keeps every use (as value or as type) unchanged, so the only difference
 * from the product is what gets loaded: the whole provider package instead of the classes used.
 * The same applies to `cdktf get` bindings (`.gen/providers/hcloud/server` → `.gen/providers/hcloud`).
 */

/** Namespace names a barrel exports its modules under, by module file: `compute-network` → `computeNetwork`. */
export type BarrelIndex = ReadonlyMap<string, string>;

/** Reads `export * as computeNetwork from './compute-network';` lines of a barrel's index (.d.ts or .ts). */
export function parseBarrelIndex(indexSource: string): BarrelIndex {
  const index = new Map<string, string>();
  for (const m of indexSource.matchAll(/export \* as (\w+) from ['"]\.\/([\w-]+)['"]/g)) index.set(m[2], m[1]);
  return index;
}

/** Where a deep import points: the barrel (package or bindings folder) and the module inside it. */
export interface DeepImport {
  readonly barrel: string;
  readonly module: string;
  /** Short name for the namespace, e.g. `google`, `hcloud`. */
  readonly alias: string;
}

const DEEP_IMPORT = /^import\s+(type\s+)?\{([^}]*)\}\s+from\s+"([^"]+)";?[ \t]*$/gm;

/** `@cdktf/provider-google/lib/compute-network` and `../../.gen/providers/hcloud/server` are deep imports. */
export function parseDeepImport(specifier: string): DeepImport | undefined {
  const pkg = /^(@cdktf\/provider-([a-z0-9-]+))\/lib\/([a-z0-9-]+)$/.exec(specifier);
  if (pkg) return { barrel: pkg[1], module: pkg[3], alias: camel(pkg[2]) };
  const gen = /^((?:\.\.?\/)+\.gen\/providers\/([a-z0-9-]+))\/([a-z0-9-]+)$/.exec(specifier);
  if (gen) return { barrel: gen[1], module: gen[3], alias: camel(gen[2]) };
  return undefined;
}

/**
 * Rewrites one source file's deep provider imports to barrel imports. `indexOf` gives the barrel's
 * namespace names (keyed by the barrel specifier as written). Returns the source unchanged if it has none.
 */
export function toBarrelImports(source: string, indexOf: (barrel: string) => BarrelIndex): string {
  const aliases = new Map<string, string>(); // barrel specifier → namespace alias used in this file
  const code = withoutStringsAndComments(source);
  const rewritten = source.replace(DEEP_IMPORT, (line, _type: string | undefined, names: string, specifier: string) => {
    const deep = parseDeepImport(specifier);
    if (!deep) return line;
    const namespace = indexOf(deep.barrel).get(deep.module);
    if (!namespace) throw new Error(`${deep.barrel} does not export ${deep.module} from its index`);
    let alias = aliases.get(deep.barrel);
    if (!alias) {
      alias = deep.alias;
      while (new RegExp(`\\b${alias}\\b`).test(code) || [...aliases.values()].includes(alias)) alias = `${alias}_`;
      aliases.set(deep.barrel, alias);
    }
    return names.split(",").map((n) => n.trim()).filter(Boolean).map((n) => {
      const [imported, local = imported] = n.replace(/^type\s+/, "").split(/\s+as\s+/).map((s) => s.trim());
      return `import ${local} = ${alias}.${namespace}.${imported};`;
    }).join("\n");
  });
  if (aliases.size === 0) return source;
  const header = [...aliases].map(([barrel, alias]) => `import * as ${alias} from ${JSON.stringify(barrel)};`).join("\n");
  return `${header}\n${rewritten}`;
}

/** Source text with string literals and comments blanked, to see which names the code itself uses. */
function withoutStringsAndComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\/|\/\/.*$|`(?:\\.|[^`\\])*`|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'/gm, " ");
}

function camel(kebab: string): string {
  return kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** What of the project the app loads: copied and rewritten. Everything else is linked. */
const SOURCES = ["main.ts", "constructs", "lib", "environments", "images/catalog.ts"];
const LINKED = ["node_modules", ".gen", "package.json", "tsconfig.json", "cdktf.json", "scripts"];

/**
 * A copy of the project's app in a new temporary folder with every deep provider import made a barrel
 * import; node_modules and the generated bindings are linked, not copied. Returns the folder and how
 * many imports were rewritten.
 */
export function barrelCopy(root: string): { dir: string; rewrittenFiles: number; files: number } {
  const dir = mkdtempSync(join(tmpdir(), "bench-barrel-"));
  for (const entry of LINKED) symlinkSync(join(root, entry), join(dir, entry));
  const indexes = new Map<string, BarrelIndex>();
  let rewrittenFiles = 0;
  let files = 0;
  for (const source of SOURCES.flatMap((s) => tsFiles(join(root, s)))) {
    const target = join(dir, relative(root, source));
    mkdirSync(dirname(target), { recursive: true });
    const text = readFileSync(source, "utf8");
    const out = toBarrelImports(text, (barrel) => {
      const key = barrel.startsWith("@") ? barrel : join(dirname(source), barrel);
      if (!indexes.has(key)) indexes.set(key, parseBarrelIndex(readFileSync(barrelIndexFile(root, key), "utf8")));
      return indexes.get(key)!;
    });
    writeFileSync(target, out);
    files++;
    if (out !== text) rewrittenFiles++;
  }
  return { dir, rewrittenFiles, files };
}

function barrelIndexFile(root: string, barrel: string): string {
  return barrel.startsWith("@") ? join(root, "node_modules", barrel, "lib", "index.d.ts") : join(barrel, "index.ts");
}

function tsFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((e) => tsFiles(join(path, e))).filter((f) => f.endsWith(".ts"));
}
