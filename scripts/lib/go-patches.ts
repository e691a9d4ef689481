import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import execa from "execa";
import { PROJECT_ROOT } from "./paths";

/** A patched copy of a module's sources, to build from. */
export interface PatchedModule {
  readonly dir: string;
  /** Removes the copy. */
  readonly remove: () => void;
}

/** A patch's text; its path is relative to the project root, where patches are kept (patches/). */
function readPatch(patch: string): string {
  const file = resolve(PROJECT_ROOT, patch);
  if (!existsSync(file)) throw new Error(`patch ${patch} does not exist`);
  return readFileSync(file, "utf8");
}

/** Identifies the patches' contents, so a build made with other patches (or none) is not reused. */
export function patchesDigest(patches: readonly string[]): string {
  const hash = createHash("sha256");
  for (const patch of patches) hash.update(patch).update("\0").update(readPatch(patch)).update("\0");
  return `patches:${hash.digest("hex").slice(0, 16)}`;
}

/**
 * Copies `moduleDir` and applies `patches` to the copy, in order, with `git apply`, which refuses a patch
 * whose context does not match and any path outside the copy. The module cache itself stays as
 * downloaded (Go also refuses `-overlay` replacements inside it), so its hash check still holds.
 */
export async function patchedModule(moduleDir: string, patches: readonly string[]): Promise<PatchedModule> {
  const work = mkdtempSync(join(tmpdir(), "go-patches-"));
  const remove = () => rmSync(work, { recursive: true, force: true });
  const dir = join(work, "module");
  try {
    cpSync(moduleDir, dir, { recursive: true });
    makeWritable(dir); // the module cache's files and folders are read-only, and so are their copies
    for (const patch of patches) {
      // GIT_CEILING_DIRECTORIES: outside any repository, git apply patches plain files under its cwd.
      const applied = await execa("git", ["apply", "--whitespace=nowarn", "-"], {
        cwd: dir, reject: false, input: readPatch(patch), env: { GIT_CEILING_DIRECTORIES: work },
      });
      if (applied.exitCode === undefined) throw new Error(`applying patch ${patch} needs git, which could not be run (is it installed?)`);
      if (applied.exitCode !== 0) {
        throw new Error(`patch ${patch} does not apply to ${moduleDir} (was the pinned version changed?):\n${applied.stderr.trim()}`);
      }
    }
    return { dir, remove };
  } catch (err) {
    remove();
    throw err;
  }
}

function makeWritable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    chmodSync(join(entry.parentPath, entry.name), entry.isDirectory() ? 0o755 : 0o644);
  }
}
