import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Classifier } from "./classifier";
import { decideTexts, textLicence, type DecideContext, type TextScan, type Verdict } from "./policy";

/** Licence files by name, as pkgsite and npm find them: LICENSE, LICENCE.md, COPYING, LICENSE-MIT, UNLICENSE… */
const LICENCE_FILE = /^((un)?licen[cs]e|copying|copyright|mit-licen[cs]e)([-._][a-z0-9][a-z0-9.-]*)?$/i;
const NOT_TEXT = /\.(js|cjs|mjs|ts|mts|cts|json|go|py|html?|css|map|ya?ml|sh)$/i;

/** The licence files directly in `dir`, sorted by name. */
export function licenceFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => LICENCE_FILE.test(n) && !NOT_TEXT.test(n))
    .filter((n) => {
      try {
        return statSync(join(dir, n)).isFile();
      } catch {
        return false;
      }
    })
    .sort();
}

/** Directories whose licence files are not about the code: test data, examples and tooling Go ignores. */
const SKIPPED_DIR = /^(testdata|node_modules)$|^[._]/;

/**
 * The licence files of a Go module: its root's (the module's licence, as pkgsite reads it) and those of
 * its subdirectories that hold Go code (code from elsewhere carried inside it, under its own licence;
 * a licence beside logos, packaging or prebuilt DLLs is not about anything compiled), as paths from `dir`.
 */
export function licenceFilesDeep(dir: string): string[] {
  const out = licenceFiles(dir);
  /** Walks `rel`; returns whether its tree holds Go code (other than tests). */
  const walk = (rel: string): boolean => {
    let goCode = false;
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      if (e.isFile() && e.name.endsWith(".go") && !e.name.endsWith("_test.go")) goCode = true;
      if (!e.isDirectory() || SKIPPED_DIR.test(e.name)) continue;
      const sub = rel ? `${rel}/${e.name}` : e.name;
      const files = licenceFiles(join(dir, sub));
      if (walk(sub)) {
        goCode = true;
        out.push(...files.map((f) => `${sub}/${f}`));
      }
    }
    return goCode;
  };
  walk("");
  return out;
}

export interface FileFinding {
  /** The licences found, joined with AND (every file applies). */
  licence: string;
  evidence: string;
  verdict: Verdict;
  files: { file: string; scan: TextScan }[];
}

/** Classifies the given licence files of one component. */
export async function classifyFiles(classifier: Classifier, dir: string, files: string[], ctx: DecideContext = {}): Promise<FileFinding> {
  const scans = await classifier.scan(files.map((f) => readFileSync(join(dir, f), "utf8")));
  const found = files.map((file, i) => ({ file, scan: scans[i] }));
  return findingOf(found, ctx);
}

/** A COPYRIGHT file: copyright notices, which point at the licence file rather than being one. */
const isNotice = (file: string): boolean => /^copyright/i.test(file.split("/").pop()!);

/**
 * The licence of a component from its classified licence files: every file applies (AND). A COPYRIGHT
 * file in which no licence is found holds notices only, and is left out when another file has the licence.
 */
export function findingOf(found: { file: string; scan: TextScan }[], ctx: DecideContext = {}): FileFinding {
  const hasLicence = found.some(({ file, scan }) => !isNotice(file) && scan.matches.length > 0);
  const notices = (f: { file: string; scan: TextScan }) => hasLicence && isNotice(f.file) && f.scan.matches.length === 0;
  const used = found.filter((f) => !notices(f));
  const ids = [...new Set(used.flatMap(({ scan }) => textLicence(scan).ids))];
  return {
    licence: ids.length ? ids.join(" AND ") : "none found",
    evidence: found.length
      ? found.map((f) => `${f.file} (${notices(f) ? "copyright notices only" : `licensecheck ${f.scan.percent.toFixed(0)}%`})`).join(", ")
      : "no licence file",
    verdict: decideTexts(used, ctx),
    files: found,
  };
}
