/**
 * The results cache of `npm run licenses`, outside the repo (~/.cache/portable-backend/licenses):
 * what was found for a module version, a package version, a binary or an image is the same every
 * run, so a second run only reads what changed. Only findings are cached, never decisions: the policy
 * and the reviews are applied anew each run.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { CACHE_DIR } from "../lib/paths";

export const LICENSES_CACHE_DIR = join(CACHE_DIR, "licenses");

export class ResultCache {
  private data: Record<string, Record<string, unknown>> = {};
  private dirty = false;

  /** `version` covers everything that changes a finding (the classifier build, the detection code). */
  constructor(private readonly file: string, private readonly version: string) {
    try {
      const stored = JSON.parse(readFileSync(file, "utf8"));
      if (stored.version === version) this.data = stored.sections ?? {};
    } catch {
      /* no cache yet, or unreadable: start empty */
    }
  }

  get<T>(section: string, key: string): T | undefined {
    return this.data[section]?.[key] as T | undefined;
  }

  set<T>(section: string, key: string, value: T): void {
    (this.data[section] ??= {})[key] = value;
    this.dirty = true;
  }

  save(): void {
    if (!this.dirty) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: this.version, sections: this.data }));
    renameSync(tmp, this.file);
    this.dirty = false;
  }
}
