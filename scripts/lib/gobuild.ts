import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import execa from "execa";
import { patchedModule, patchesDigest } from "./go-patches";

/** A Go main package at an exact module version, checked against a pinned `h1:` hash. */
export interface GoBinary {
  readonly goModule: string;
  readonly goVersion: string;
  readonly goSum: string;
  readonly goPackage: string;
  /** Patches to the module's sources (paths from the project root), applied in order before building. */
  readonly patches?: readonly string[];
}

// GOTOOLCHAIN=local: never fetch a toolchain behind our back. CGO off: static binaries, no C compiler.
// GONOSUMDB: the checksum database does not know every module the proxy serves; the pinned goSum,
// checked below on every build, is the integrity guarantee instead.
function goEnv(module: string): Record<string, string> {
  return {
    GOTOOLCHAIN: "local",
    CGO_ENABLED: "0",
    GOFLAGS: "-mod=readonly -buildvcs=false",
    GONOSUMDB: [process.env.GONOSUMDB, module].filter(Boolean).join(","),
  };
}

/** Downloads the module (through the machine's configured Go proxy) and verifies its hash. */
export async function downloadModule(bin: GoBinary): Promise<string> {
  const ref = `${bin.goModule}@${bin.goVersion}`;
  const result = await execa("go", ["mod", "download", "-json", ref], {
    env: goEnv(bin.goModule), reject: false, cwd: process.env.HOME,
  });
  let info: { Dir?: string; Sum?: string; Error?: string } = {};
  try { info = JSON.parse(result.stdout); } catch { /* reported below */ }
  if (result.exitCode !== 0 || info.Error || !info.Dir) {
    throw new Error(`go mod download ${ref} failed: ${info.Error ?? result.stderr.trim()}`);
  }
  if (info.Sum !== bin.goSum) {
    throw new Error(`${ref}: module hash ${info.Sum} does not match the pinned ${bin.goSum}; refusing to build it`);
  }
  return info.Dir;
}

/**
 * Builds `bin` into `output` unless a build of exactly this module version (and these patches) is
 * already there. Returns whether it built. The stamp beside the output records what it was built from.
 */
export async function buildCached(bin: GoBinary, output: string, onBuild: (work: Promise<unknown>) => Promise<unknown>): Promise<boolean> {
  const stamp = `${output}.built-from`;
  const patches = bin.patches ?? [];
  const want = [`${bin.goModule}@${bin.goVersion}`, bin.goSum, bin.goPackage, ...(patches.length ? [patchesDigest(patches)] : [])].join(" ");
  if (existsSync(output) && existsSync(stamp) && readFileSync(stamp, "utf8").trim() === want) return false;

  const dir = await downloadModule(bin);
  await onBuild(goBuild(dir, bin, output));
  writeFileSync(stamp, want + "\n");
  return true;
}

/** Builds `bin`'s package from its module directory into `output` (atomically), with its patches applied. */
export async function goBuild(moduleDir: string, bin: Pick<GoBinary, "goModule" | "goPackage" | "patches">, output: string): Promise<void> {
  const patched = bin.patches?.length ? await patchedModule(moduleDir, bin.patches) : undefined;
  try {
    mkdirSync(dirname(output), { recursive: true });
    const tmp = `${output}.partial`;
    // Built inside the module's own directory so its go.sum pins every dependency.
    await execa("go", ["build", "-trimpath", "-ldflags=-s -w", "-o", tmp, bin.goPackage], {
      cwd: patched?.dir ?? moduleDir, env: goEnv(bin.goModule), stderr: "inherit",
    });
    chmodSync(tmp, 0o755);
    renameSync(tmp, output);
  } finally {
    patched?.remove();
  }
}
