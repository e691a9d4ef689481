/**
 * `npm run providers`: make Terraform work with no registry.
 *
 *  1. an engine: `terraform` from PATH, or OpenTofu built from its Go module;
 *  2. every provider in lib/providers.ts built from its Go module at the pinned version, or from
 *     its folder in this repository (cached outside the repo; a second run takes seconds);
 *  3. a filesystem mirror in .terraform-providers/mirror, and a managed block in terraform's
 *     CLI config pointing at it, so a plain `npx cdktf plan <stack>` in a new shell works;
 *  4. the hcloud and portable bindings (`cdktf get`), which no npm package ships.
 */
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import execa from "execa";
import { isLocalProvider, PINNED_PROVIDERS, PinnedProvider } from "../lib/providers";
import { ENGINE_WRAPPER, findEngine } from "./lib/engine";
import { buildCached, buildLocalCached } from "./lib/gobuild";
import { CACHE_DIR, cliConfigPath, LOCAL_BIN_DIR, MIRROR_DIR, platform, PROJECT_ROOT, REGISTRY_HOSTS } from "./lib/paths";
import { Progress } from "./lib/progress";
import { writeManagedBlock } from "./lib/cli-config";

/** Built only when no terraform is on PATH. Its go.mod has a single non-local replace, so it builds from the module. */
const OPENTOFU = {
  goModule: "github.com/opentofu/opentofu",
  goVersion: "v1.10.6",
  goSum: "h1:J57O7HrW7gakftSLFQr+/p7fniZjZ3FQLFyzv4XsSmQ=",
  goPackage: "./cmd/tofu",
};

async function main(): Promise<void> {
  const providers = Object.values(PINNED_PROVIDERS) as PinnedProvider[];
  const progress = new Progress(providers.length + 3, "providers");

  progress.step(1, "engine", "looking for terraform on PATH");
  let engine = findEngine({ ignoreWrapper: true });
  let engineBinary = engine?.path;
  if (!engine) {
    progress.step(1, "engine", `none found: building OpenTofu ${OPENTOFU.goVersion} from its Go module (first build takes a few minutes)`);
    engineBinary = join(CACHE_DIR, "engine", `tofu_${OPENTOFU.goVersion}`);
    await buildCached(OPENTOFU, engineBinary, (work) => progress.during("building tofu", work));
  }
  writeEngineWrapper(engineBinary!);
  engine = findEngine();
  if (!engine) throw new Error(`the engine at ${engineBinary} does not run`);
  progress.step(1, "engine", `${engine.flavour} ${engine.version} (${engineBinary}), wrapped as ${ENGINE_WRAPPER}`);

  rmSync(MIRROR_DIR, { recursive: true, force: true });
  for (const [i, p] of providers.entries()) {
    const name = `${p.source} ${p.version}`;
    const type = p.source.split("/")[1];
    const binary = `terraform-provider-${type}_v${p.version}`;
    const cached = join(CACHE_DIR, "providers", p.source, p.version, platform(), binary);
    progress.step(i + 2, name, `checking ${isLocalProvider(p) ? p.localModule : `${p.goModule}@${p.goVersion}`}`);
    const onBuild = (work: Promise<unknown>) => {
      progress.step(i + 2, name, type === "google" ? "building (the google provider takes 10-20 minutes on 2 cores the first time)" : "building");
      return progress.during(`building ${name}`, work);
    };
    const built = isLocalProvider(p)
      ? await buildLocalCached(join(PROJECT_ROOT, p.localModule), p.goPackage, cached, onBuild)
      : await buildCached(p, cached, onBuild);
    for (const host of REGISTRY_HOSTS) {
      linkOrCopy(cached, join(MIRROR_DIR, host, p.source, p.version, platform(), binary));
    }
    progress.step(i + 2, name, built ? "built and mirrored" : "cached, mirrored");
  }

  const configStep = providers.length + 2;
  const configFile = cliConfigPath();
  writeManagedBlock(configFile, {
    mirror: MIRROR_DIR,
    addresses: providers.flatMap((p) => REGISTRY_HOSTS.map((h) => `${h}/${p.source}`)),
  });
  progress.step(configStep, "cli config", `${configFile} points terraform at ${MIRROR_DIR}`);

  // The project's own providers change their schemas without a new version: their sources count too.
  const ownSources = providers.filter(isLocalProvider).map((p) => {
    const type = p.source.split("/")[1];
    return readFileSync(`${join(CACHE_DIR, "providers", p.source, p.version, platform(), `terraform-provider-${type}_v${p.version}`)}.built-from`, "utf8").trim();
  });
  await generateBindings(progress, configStep + 1, ownSources);
  progress.done();
}

/**
 * `npx cdktf` finds node_modules/.bin first on PATH, so this wrapper is the engine cdktf runs.
 * It runs the real engine, adding the mirror to `terraform providers lock` (which cdktf runs after
 * a first init, and which ignores the CLI config's mirrors and would otherwise ask the registry).
 *
 * `cdktf deploy` reads terraform through a pseudo-terminal, and loses whatever terraform wrote just
 * before it exited when it exits at once (a plan that fails: the end of the plan and the error, seen
 * every time with a plan of some 20 resources). On a failure in a terminal, the wrapper keeps the
 * terminal open for a second so that the error is read. Ctrl-C still reaches terraform (same process
 * group); the trap only keeps the wrapper alive to pass on its exit code.
 */
function writeEngineWrapper(engine: string): void {
  mkdirSync(LOCAL_BIN_DIR, { recursive: true });
  rmSync(ENGINE_WRAPPER, { force: true });
  writeFileSync(ENGINE_WRAPPER, [
    "#!/bin/sh",
    "# Written by `npm run providers`; see scripts/providers.ts.",
    'if [ "$1" = providers ] && [ "$2" = lock ]; then',
    "  shift 2",
    `  exec "${engine}" providers lock -fs-mirror="${MIRROR_DIR}" "$@"`,
    "fi",
    '[ -t 1 ] || exec "' + engine + '" "$@"',
    "trap : INT TERM",
    `"${engine}" "$@"`,
    "code=$?",
    '[ "$code" -eq 0 ] || sleep 1',
    'exit "$code"',
    "",
  ].join("\n"), { mode: 0o755 });
}

/** Hardlinks (instant, no extra disk) and falls back to a copy across filesystems. */
function linkOrCopy(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  rmSync(to, { force: true });
  try { linkSync(from, to); } catch { copyFileSync(from, to); }
}

/**
 * Runs `cdktf get` when the generated bindings are missing or were made for other provider versions, or
 * (`ownSources`: what each of the project's own providers was built from) from other sources of ours.
 */
async function generateBindings(progress: Progress, step: number, ownSources: readonly string[]): Promise<void> {
  const stamp = join(PROJECT_ROOT, ".gen", ".generated-for");
  const cdktfJson = readFileSync(join(PROJECT_ROOT, "cdktf.json"), "utf8");
  const want = JSON.stringify({ providers: JSON.parse(cdktfJson).terraformProviders, ownSources });
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === want) {
    progress.step(step, "bindings", "cached (.gen is up to date with cdktf.json and the project's own providers)");
    return;
  }
  progress.step(step, "bindings", "cdktf get (generating TypeScript bindings for cdktf.json's terraformProviders)");
  await progress.during("cdktf get", execa("npx", ["cdktf", "get", "--force"], {
    cwd: PROJECT_ROOT, stdout: "inherit", stderr: "inherit", env: { CHECKPOINT_DISABLE: "1" },
  }));
  writeFileSync(stamp, want);
}

main().catch((err: unknown) => {
  console.error(`\nproviders: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
