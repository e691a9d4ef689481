/** Where image sources are read from and build contexts are staged. */
import * as fs from "node:fs";
import * as path from "node:path";

import { CACHE_DIR, PROJECT_ROOT } from "../lib/paths";

export const IMAGES_DIR = path.join(PROJECT_ROOT, "images");

/** Rootfs tarballs, staged contexts and logs: outside the repository, which is never written. */
export const IMAGE_CACHE_DIR = path.join(CACHE_DIR, "images");

/** A path under images/. */
export function imageSource(...parts: string[]): string {
  return path.join(IMAGES_DIR, ...parts);
}

export interface StagedFile {
  src: string;
  mode: number;
  /** path inside the context (default: the basename of src) */
  dest?: string;
}

/**
 * A fresh build context for `name` holding only the given files (flat, by
 * basename, unless a file says where), so no stray file of images/ is sent to
 * the daemon and the mode of each file in the image does not depend on the checkout.
 */
export function stageContext(name: string, files: StagedFile[]): string {
  const dir = path.join(IMAGE_CACHE_DIR, "contexts", name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const { src, mode, dest: rel } of files) {
    const dest = path.join(dir, rel ?? path.basename(src));
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.copyFileSync(src, dest);
    fs.chmodSync(dest, mode);
  }
  return dir;
}
