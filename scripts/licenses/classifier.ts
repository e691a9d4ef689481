/**
 * Licence texts → SPDX ids, with github.com/google/licensecheck in the project's Go tool
 * (tools/licenses, its own module: go.mod/go.sum pin the classifier). Built once into the cache by
 * scripts/lib/gobuild.ts (rebuilt when its sources change), run once per batch of texts; results are
 * cached by the text's SHA-256.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import execa from "execa";
import { buildLocalCached } from "../lib/gobuild";
import { CACHE_DIR, PROJECT_ROOT } from "../lib/paths";
import type { TextScan } from "./policy";
import type { ResultCache } from "./cache";

export const CLASSIFIER_DIR = join(PROJECT_ROOT, "tools", "licenses");
export const CLASSIFIER_BIN = join(CACHE_DIR, "tools", "licenses");

/** Builds the classifier if its sources changed; returns what it was built from (part of the cache's version). */
export async function buildClassifier(onBuild: (work: Promise<unknown>) => Promise<unknown> = (w) => w): Promise<string> {
  await buildLocalCached(CLASSIFIER_DIR, ".", CLASSIFIER_BIN, onBuild);
  return readFileSync(`${CLASSIFIER_BIN}.built-from`, "utf8").trim();
}

export const sha256 = (text: string | Buffer): string => createHash("sha256").update(text).digest("hex");

/** Runs the classifier on texts (at most one process per call). */
export async function scanTexts(texts: string[]): Promise<TextScan[]> {
  if (texts.length === 0) return [];
  const { stdout } = await execa(CLASSIFIER_BIN, [], {
    input: JSON.stringify(texts.map((text, i) => ({ key: String(i), text }))),
    maxBuffer: 256 * 1024 * 1024,
  });
  const out = JSON.parse(stdout) as Record<string, TextScan>;
  return texts.map((_, i) => out[String(i)]);
}

/** Classifies texts, reading and filling the cache (keyed by each text's SHA-256). */
export class Classifier {
  constructor(private readonly cache: ResultCache) {}

  async scan(texts: string[]): Promise<TextScan[]> {
    const hashes = texts.map(sha256);
    const missing = [...new Set(hashes.filter((h) => !this.cache.get("texts", h)))];
    if (missing.length) {
      const byHash = new Map(hashes.map((h, i) => [h, texts[i]]));
      const scans = await scanTexts(missing.map((h) => byHash.get(h)!));
      missing.forEach((h, i) => this.cache.set("texts", h, scans[i]));
    }
    return hashes.map((h) => this.cache.get<TextScan>("texts", h)!);
  }

  /** The scan of a text already classified (by its SHA-256). */
  cached(hash: string): TextScan {
    const scan = this.cache.get<TextScan>("texts", hash);
    if (!scan) throw new Error(`licence text ${hash} was never classified (stale cache?)`);
    return scan;
  }
}
