import { existsSync } from "node:fs";
import { join } from "node:path";
import execa from "execa";
import { LOCAL_BIN_DIR } from "./paths";

export interface Engine {
  /** Absolute path of the binary to run. */
  readonly path: string;
  /** `terraform` or `tofu`. */
  readonly flavour: "terraform" | "tofu";
  readonly version: string;
}

/** The `terraform` that `npx cdktf` runs: a wrapper around the real engine, written by `npm run providers`. */
export const ENGINE_WRAPPER = join(LOCAL_BIN_DIR, "terraform");

/**
 * The Terraform engine: the wrapper `npm run providers` wrote (it adds the offline mirror to
 * `providers lock`), else `terraform` from PATH. `ignoreWrapper` finds the real binary only.
 * Returns undefined when there is none.
 */
export function findEngine(options: { ignoreWrapper?: boolean } = {}): Engine | undefined {
  const pathWithoutLocal = (process.env.PATH ?? "").split(":").filter((p) => p && p !== LOCAL_BIN_DIR).join(":");
  const candidates = [options.ignoreWrapper || !existsSync(ENGINE_WRAPPER) ? undefined : ENGINE_WRAPPER, whichOnPath("terraform", pathWithoutLocal)];
  for (const path of candidates) {
    if (!path) continue;
    const engine = describe(path);
    if (engine) return engine;
  }
  return undefined;
}

function whichOnPath(name: string, path: string): string | undefined {
  for (const dir of path.split(":")) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

function describe(path: string): Engine | undefined {
  try {
    const { stdout } = execa.sync(path, ["version", "-json"], { env: { CHECKPOINT_DISABLE: "1" } });
    const version = JSON.parse(stdout).terraform_version as string;
    const flavour = execa.sync(path, ["version"]).stdout.startsWith("OpenTofu") ? "tofu" : "terraform";
    return { path, flavour, version };
  } catch {
    return undefined;
  }
}

// Found once per process: finding it runs `terraform version` twice, synchronously, which would stall
// everything else a parallel caller (the stack runner) has in flight. Only a found engine is kept.
let found: Engine | undefined;

/** Fails with a clear message when no engine is installed: tests in CI must not skip over it. */
export function requireEngine(): Engine {
  const engine = (found ??= findEngine());
  if (!engine) throw new Error("No terraform engine found: run `npm run providers` (it uses terraform from PATH or builds OpenTofu).");
  return engine;
}
