/**
 * `npm run licenses`: every third-party component the project installs or runs, with its licence, and a
 * failure (exit 1) on an AGPL or SSPL licence or on one it cannot determine.
 *
 *   npm packages     node_modules, transitive included: package.json's licence, else the licence file
 *   Go binaries      the mirror's providers, the engine, actionlint, the images' Go binaries, and every
 *                    Go module compiled into them (`go version -m`), from the module's licence files
 *   Debian packages  the Debian images' packages (dpkg-query), from their copyright files
 *
 * Licence texts are classified by github.com/google/licensecheck (tools/licenses); the policy is
 * scripts/licenses/policy.ts, human reviews scripts/licenses/reviewed.yaml. Prints a table per kind and
 * writes cdktf.out/licenses.json. Findings are cached in ~/.cache/portable-backend/licenses.
 *
 *   npm run licenses [-- --summary] [-- --json PATH]
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import execa from "execa";
import { parse as parseYaml } from "yaml";
import { PROJECT_ROOT } from "./lib/paths";
import { elapsed } from "./lib/progress";
import { ResultCache, LICENSES_CACHE_DIR } from "./licenses/cache";
import { buildClassifier, Classifier } from "./licenses/classifier";
import { localImages } from "../images/catalog";
import { collectDebian, DEBIAN_IMAGES } from "./licenses/debian";
import { collectGo, IMAGE_GO_BINARIES } from "./licenses/go";
import type { Component, Missing } from "./licenses/model";
import { collectNpm } from "./licenses/npm";
import { applyReview, debianToSpdx, reviewKey, type Kind, type Reviewed } from "./licenses/policy";

/** Bump when what the collectors find changes (not the policy: decisions are never cached). */
const DETECTION_VERSION = "3";

export const REVIEWED_FILE = join(PROJECT_ROOT, "scripts", "licenses", "reviewed.yaml");
const KINDS: { kind: Kind; title: string }[] = [
  { kind: "npm", title: "npm packages (node_modules)" },
  { kind: "go-binary", title: "Go binaries (built and run by the project)" },
  { kind: "go-module", title: "Go modules compiled into those binaries" },
  { kind: "debian", title: "Debian packages (Debian-based images)" },
];

export function loadReviews(file = REVIEWED_FILE): Reviewed[] {
  const parsed = parseYaml(readFileSync(file, "utf8")) ?? [];
  if (!Array.isArray(parsed)) throw new Error(`${file}: expected a list of reviews`);
  for (const r of parsed) {
    for (const field of ["kind", "name", "version", "licence", "why"] as const) {
      if (typeof r?.[field] !== "string" || !r[field].trim()) throw new Error(`${file}: a review lacks \`${field}\`: ${JSON.stringify(r)}`);
    }
  }
  return parsed as Reviewed[];
}

async function dockerAvailable(): Promise<boolean> {
  const r = await execa("docker", ["version", "--format", "{{.Server.Version}}"], { reject: false, timeout: 15_000 });
  return r.exitCode === 0;
}

function table(rows: Component[]): string {
  const status = (c: Component) => (c.decision === "allowed" ? (c.reviewed ? "ok (reviewed)" : "ok") : c.decision.toUpperCase());
  const source = (c: Component) => (c.source.length > 2 ? `${c.source.slice(0, 2).join("; ")}; +${c.source.length - 2} more` : c.source.join("; "));
  const cells = rows.map((c) => [status(c), c.name, c.version, c.licence, source(c)]);
  const header = ["status", "component", "version", "licence", "source"];
  const max = [13, 60, 40, 50, 90];
  const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
  const widths = header.map((h, i) => Math.min(max[i], Math.max(h.length, ...cells.map((r) => r[i].length))));
  const line = (r: string[]) => r.map((s, i) => clip(s, max[i]).padEnd(widths[i])).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

/**
 * Licence → how many components are under it, per kind. A component under several licences at once
 * (`Apache-2.0 AND BSD-3-Clause`, or Debian's list) counts under each; a choice (`MIT OR CC0-1.0`) once.
 * Debian names in SPDX spelling where there is one.
 */
export function countByLicence(components: Component[]): Record<string, Record<string, number>> {
  const counts: Record<string, Record<string, number>> = {};
  for (const c of components) {
    const parts = /\bOR\b/.test(c.licence) ? [c.licence] : c.licence.split(/, | AND /);
    const names = [...new Set(c.kind === "debian" ? parts.map(debianToSpdx) : parts)];
    for (const name of names) {
      const k = (counts[c.kind] ??= {});
      k[name] = (k[name] ?? 0) + 1;
    }
  }
  return counts;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const summaryOnly = args.includes("--summary");
  const jsonAt = args.indexOf("--json");
  const jsonFile = jsonAt >= 0 ? args[jsonAt + 1] : join(PROJECT_ROOT, "cdktf.out", "licenses.json");
  const ci = process.env.CI === "true";
  const started = Date.now();

  const classifierBuild = await buildClassifier((work) => {
    console.log("licenses: building the licence classifier (tools/licenses) ...");
    return work;
  });
  const cache = new ResultCache(join(LICENSES_CACHE_DIR, "cache.json"), `${DETECTION_VERSION} ${classifierBuild}`);
  const classifier = new Classifier(cache);
  const docker = await dockerAvailable();

  const results = await Promise.all([
    collectNpm(classifier),
    collectGo(classifier, cache, { docker }),
    collectDebian(classifier, cache, { docker }),
  ]);
  cache.save();
  const missing: Missing[] = results.flatMap((r) => r.missing);

  const reviews = loadReviews();
  const used = new Set<string>();
  const byKey = new Map(reviews.map((r) => [reviewKey(r.kind, r.name, r.version), r]));
  const components = results.flatMap((r) => r.components).map((c) => {
    const key = reviewKey(c.kind, c.name, c.version);
    const review = byKey.get(key);
    if (!review || c.decision !== "unknown") return c;
    used.add(key);
    const verdict = applyReview(c, review, { allowBusl: false });
    return { ...c, ...verdict, licence: review.licence, evidence: `${c.evidence}; reviewed: ${review.why}` };
  });

  for (const { kind, title } of KINDS) {
    const rows = components.filter((c) => c.kind === kind);
    console.log(`\n${title}: ${rows.length}`);
    const shown = summaryOnly ? rows.filter((c) => c.decision !== "allowed" || c.reviewed) : rows;
    if (shown.length) console.log(table(shown));
  }

  const counts = countByLicence(components);
  console.log("\nLicences (components under each; one can be under several)");
  for (const { kind, title } of KINDS) {
    const entries = Object.entries(counts[kind] ?? {}).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    // Debian's copyright files name many one-off licences: the 25 most common, then how many others
    const shown = entries.slice(0, 25).map(([l, n]) => `${l} ${n}`);
    if (entries.length > 25) shown.push(`${entries.length - 25} other names (${relative(PROJECT_ROOT, jsonFile)} has them all)`);
    console.log(`  ${title}: ${shown.join(", ") || "none"}`);
  }

  const problems: string[] = [];
  for (const c of components.filter((c) => c.decision !== "allowed")) {
    problems.push(`${c.decision.toUpperCase()}: ${c.kind} ${c.name} ${c.version} (${c.source.join("; ")}): ${c.licence}, ${c.reason ?? c.evidence} [${c.evidence}]`);
  }
  for (const m of missing) {
    const text = `${m.what} ${m.why}: its ${{ npm: "npm packages", debian: "Debian packages", "go-binary": "Go modules", "go-module": "Go modules" }[m.kind]} are not checked (${m.fix})`;
    if (ci) problems.push(`MISSING: ${text}`);
    else console.warn(`\nlicenses: warning: ${text}`);
  }
  const covered = new Set<string>([...DEBIAN_IMAGES, ...Object.keys(IMAGE_GO_BINARIES)]);
  for (const image of Object.keys(localImages).filter((i) => !covered.has(i))) {
    problems.push(`UNCOVERED: image ${image} of images/catalog.ts is not looked at: add it to DEBIAN_IMAGES (scripts/licenses/debian.ts) or IMAGE_GO_BINARIES (scripts/licenses/go.ts)`);
  }
  // a review of a component that was not looked at this time (an image not built) is not stale
  for (const key of missing.length ? [] : byKey.keys()) {
    if (!used.has(key)) console.warn(`licenses: warning: ${relative(PROJECT_ROOT, REVIEWED_FILE)} reviews ${key}, which is not an unknown component now: remove the entry`);
  }

  mkdirSync(dirname(jsonFile), { recursive: true });
  writeFileSync(jsonFile, JSON.stringify({ generated: new Date().toISOString(), ok: problems.length === 0, problems, missing, counts, components }, null, 2) + "\n");

  const total = components.length;
  if (problems.length) {
    console.error(`\nlicenses: FAILED: ${problems.length} problem(s) among ${total} components:`);
    for (const p of problems) console.error(`  ${p}`);
    console.error(`report: ${relative(PROJECT_ROOT, jsonFile)} (${elapsed(started)})`);
    return 1;
  }
  const skipped = missing.length ? ` (${missing.length} part(s) not checked, see the warnings)` : "";
  console.log(`\nlicenses: ${total} components, none refused or unknown${skipped}; report ${relative(PROJECT_ROOT, jsonFile)} (${elapsed(started)})`);
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`licenses: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
