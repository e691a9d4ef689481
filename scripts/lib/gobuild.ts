import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
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

/**
 * Builds a Go module of this repository (`moduleDir`, whose go.sum pins its dependencies) into `output`
 * unless a build of exactly these sources with this Go is there. Returns whether it built.
 */
export async function buildLocalCached(moduleDir: string, goPackage: string, output: string, onBuild: (work: Promise<unknown>) => Promise<unknown>): Promise<boolean> {
  const stamp = `${output}.built-from`;
  const { stdout: go } = await execa("go", ["env", "GOVERSION"], { env: { GOTOOLCHAIN: "local" } });
  const want = `local ${sourcesDigest(moduleDir)} ${goPackage} ${go.trim()}`;
  if (existsSync(output) && existsSync(stamp) && readFileSync(stamp, "utf8").trim() === want) return false;
  const module = /^module\s+(\S+)/m.exec(readFileSync(join(moduleDir, "go.mod"), "utf8"))?.[1] ?? moduleDir;
  await onBuild(goBuild(moduleDir, { goModule: module, goPackage }, output));
  writeFileSync(stamp, want + "\n");
  return true;
}

/** SHA-256 over every file's path and contents under `dir`. */
function sourcesDigest(dir: string): string {
  const hash = createHash("sha256");
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).sort();
  for (const file of files) hash.update(relative(dir, file)).update("\0").update(readFileSync(file)).update("\0");
  return hash.digest("hex").slice(0, 16);
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
