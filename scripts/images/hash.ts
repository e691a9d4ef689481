/**
 * The inputs hash: a SHA-256 over everything that goes into an image. An image
 * whose tag carries the same hash in its label is not rebuilt.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** Bump to force every image to rebuild after a change to the builder's logic. */
const BUILDER_VERSION = "1";

/** Recursively list regular files (relative paths, sorted), skipping dot-entries. */
export function listFiles(dir: string, skip: (rel: string) => boolean = () => false): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      if (e.name.startsWith(".")) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (skip(r)) continue;
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) out.push(r);
    }
  };
  walk("");
  return out.sort();
}

export class Hasher {
  private h = createHash("sha256");
  // Each entry is length-prefixed under its key, so moving bytes between
  // entries (or renaming a file) changes the hash.
  text(key: string, value: string): this {
    this.h.update(`${key}\0${value.length}\0${value}\0`);
    return this;
  }
  /** The executable bit counts too: it survives into the image. */
  file(key: string, file: string): this {
    const st = fs.statSync(file);
    this.h.update(`${key}\0${st.mode & 0o111 ? "x" : "-"}\0${st.size}\0`);
    this.h.update(fs.readFileSync(file));
    return this;
  }
  dir(key: string, dir: string, skip?: (rel: string) => boolean): this {
    for (const rel of listFiles(dir, skip)) this.file(`${key}/${rel}`, path.join(dir, rel));
    return this;
  }
  digest(): string {
    return this.h.digest("hex");
  }
}

/** Every image's hash starts from the builder version. */
export function inputsHasher(): Hasher {
  return new Hasher().text("builder", BUILDER_VERSION);
}
