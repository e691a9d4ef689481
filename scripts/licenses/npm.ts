/**
 * npm packages: every package directory under node_modules (nested and scoped included), one row per
 * name@version. The licence is package.json's `license` (an SPDX expression) or old-style `licenses`
 * (a list: any one of them); when that is missing or not an SPDX expression (`Public Domain`,
 * `SEE LICENSE IN …`), the package's licence file(s), classified.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { PROJECT_ROOT } from "../lib/paths";
import type { Classifier } from "./classifier";
import { classifyFiles, licenceFiles } from "./files";
import type { Collected, Component } from "./model";
import { decideExpr, exprIds, decideId, parseSpdx, type Expr } from "./policy";

interface Found {
  name: string;
  version: string;
  dir: string;
  field: unknown;
  dirs: string[];
}

/** Package directories under `nodeModules`, recursively (a package's own node_modules too). */
function walk(nodeModules: string, out: Map<string, Found>): void {
  let entries: string[];
  try {
    entries = readdirSync(nodeModules);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry.startsWith(".")) continue; // .bin, .package-lock.json, .cache
    const path = join(nodeModules, entry);
    if (entry.startsWith("@")) {
      for (const scoped of readdirSync(path)) visit(join(path, scoped), out);
    } else {
      visit(path, out);
    }
  }
}

function visit(dir: string, out: Map<string, Found>): void {
  const manifest = join(dir, "package.json");
  if (!existsSync(manifest)) return;
  const pkg = JSON.parse(readFileSync(manifest, "utf8"));
  const rel = relative(PROJECT_ROOT, dir);
  const key = `${pkg.name}@${pkg.version}`;
  const seen = out.get(key);
  if (seen) seen.dirs.push(rel);
  else out.set(key, { name: pkg.name, version: pkg.version, dir, field: pkg.license ?? pkg.licenses, dirs: [rel] });
  walk(join(dir, "node_modules"), out);
}

/** package.json's licence as an SPDX expression, when it is one. */
export function manifestExpr(field: unknown): { text: string; expr?: Expr } | undefined {
  if (field === undefined || field === null || field === "") return undefined;
  // old style: { type, url } or [{ type, url }, …] (dual licensing: any one of them)
  const types = (Array.isArray(field) ? field : [field]).map((f) => (typeof f === "string" ? f : (f as { type?: string })?.type)).filter(Boolean) as string[];
  if (types.length === 0) return { text: JSON.stringify(field) };
  const text = types.length === 1 ? types[0] : types.map((t) => `(${t})`).join(" OR ");
  return { text, expr: parseSpdx(text) };
}

export async function collectNpm(classifier: Classifier, root = join(PROJECT_ROOT, "node_modules")): Promise<Collected> {
  if (!existsSync(root)) return { components: [], missing: [{ kind: "npm", what: "node_modules", why: "is not installed", fix: "run npm ci" }] };
  const found = new Map<string, Found>();
  walk(root, found);
  const components: Component[] = [];
  const fromFiles: { p: Found; manifest?: { text: string; expr?: Expr }; files: string[] }[] = [];
  for (const p of [...found.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version))) {
    const manifest = manifestExpr(p.field);
    // An expression every id of which the policy knows decides; anything else is read from the files.
    if (manifest?.expr && exprIds(manifest.expr).every((id) => decideId(id).decision !== "unknown")) {
      components.push({ kind: "npm", name: p.name, version: p.version, source: p.dirs, licence: manifest.text, evidence: "package.json license", ...decideExpr(manifest.expr) });
      continue;
    }
    const seeFile = manifest && /^SEE LICEN[CS]E IN\s+(\S+)/i.exec(manifest.text)?.[1];
    fromFiles.push({ p, manifest, files: seeFile ? [seeFile].filter((f) => existsSync(join(p.dir, f))) : licenceFiles(p.dir) });
  }
  // the licence files of all of those in one classifier run
  await classifier.scan(fromFiles.flatMap(({ p, files }) => files.map((f) => readFileSync(join(p.dir, f), "utf8"))));
  for (const { p, manifest, files } of fromFiles) {
    const base = { kind: "npm" as const, name: p.name, version: p.version, source: p.dirs };
    const finding = await classifyFiles(classifier, p.dir, files);
    const said = manifest ? `package.json says ${JSON.stringify(manifest.text)}; ` : "package.json has no license; ";
    if (finding.verdict.decision !== "unknown" || !manifest?.expr) {
      components.push({ ...base, licence: finding.licence, evidence: said + finding.evidence, ...finding.verdict });
    } else {
      // the files did not settle it: the expression's own verdict (it names a licence the policy does not know)
      components.push({ ...base, licence: manifest.text, evidence: said + finding.evidence, ...decideExpr(manifest.expr) });
    }
  }
  components.sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  return { components, missing: [] };
}
