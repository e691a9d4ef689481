/** Static Go binaries built on the host, for the FROM-scratch images. */
import { BuildError, capture, commandExists, run, type RunLog } from "./commands";

/** A main package to build into a build context. */
export interface GoBinary {
  /** directory holding the go.mod whose pins the build uses */
  moduleDir: string;
  pkg: string;
  /** file name in the build context */
  out: string;
  ldflags?: string;
}

let goInfoCache: { version: string; env: NodeJS.ProcessEnv } | undefined;

function goInfo(): { version: string; env: NodeJS.ProcessEnv } {
  if (goInfoCache) return goInfoCache;
  if (!commandExists("go")) {
    throw new BuildError("The Go toolchain (`go`) is needed to build the static binaries; install Go >= 1.26.");
  }
  // Module downloads use the machine's own `go env` settings (GOPROXY,
  // GONOSUMDB, ...); only the toolchain is pinned to the installed one.
  const env: NodeJS.ProcessEnv = { ...process.env, GOTOOLCHAIN: "local", CGO_ENABLED: "0", GOOS: "linux" };
  const version = capture("go", ["env", "GOVERSION"], { env }).trim();
  goInfoCache = { version, env };
  return goInfoCache;
}

/** The installed toolchain's version: an input of every Go-built image. */
export function goVersion(): string {
  return goInfo().version;
}

export async function goBuild(bin: GoBinary, outPath: string, goarch: string, log: RunLog): Promise<void> {
  const { env } = goInfo();
  await run(
    "go",
    ["build", "-mod=readonly", "-trimpath", "-buildvcs=false", `-ldflags=${bin.ldflags ?? "-s -w"}`, "-o", outPath, bin.pkg],
    { ...log, cwd: bin.moduleDir, env: { ...env, GOARCH: goarch } },
  );
}
