import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { localImages } from "../../images/catalog";
import { requireEngine } from "../../scripts/lib/engine";
import { pairTeardown } from "../lib/cleanup";
import { composeFromStack } from "../lib/compose";
import { generateSecrets, synthStack, writeCompose } from "../lib/compose-project";
import { HealthTarget, removeEnvironment, requireImages, requirePortFree, waitHealthy } from "../lib/docker";
import { dockerBenchVariant, PROJECT_ROOT, writeEnvironment } from "../lib/environments";
import { LoadResult, startLoad } from "../lib/load";
import { compare, Sample, timeCommand, Variant } from "../lib/measure";
import { BenchContext, ScenarioResult, seconds } from "../lib/result";

/*
 * A release of the app on a deployed Docker environment: a new configuration (service.env.APP_VERSION,
 * which the sample app reports in /healthz's "version"), deployed with `npx cdktf deploy` (new replicas
 * next to the old ones, the proxy switched to them, the old ones drained and removed) against the same
 * change applied with `docker-compose up -d` to the compose file generated from the same environment
 * (compose stops each changed container and starts its successor in its place). Measured per run: the
 * time from the command's start until /healthz through the proxy reports the new version, and the
 * failed requests of a load running for the whole of it.
 */

const TF_ENV = { name: "bench", port: 18080 };
const COMPOSE_ENV = { name: "bench-compose", port: 18081 };
/** The load: as the release integration test's (4 keep-alive clients, one request after another, no retries). */
const CLIENTS = 4;
const POLL_MS = 100;
const RELEASE_TIMEOUT_MS = 600_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The version /healthz reports now, or undefined when it does not answer with one. */
async function servedVersion(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    const body = await response.json().catch(() => undefined) as { version?: string } | undefined;
    return response.status === 200 ? body?.version : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One release under load: starts the load, runs `command`, and polls `url` every 100 ms until it
 * reports `version` (the measured time); the load runs until then and until the command has returned,
 * whichever is later (what a deploy does after the switch, removing the old replicas, counts too).
 */
async function releaseUnderLoad(url: string, version: string, command: () => Promise<Sample>): Promise<Sample> {
  const load = startLoad(url, { clients: CLIENTS, maxSeconds: RELEASE_TIMEOUT_MS / 1000 });
  const start = process.hrtime.bigint();
  const elapsedMs = () => Number(process.hrtime.bigint() - start) / 1e6;
  let outcome: { ok: Sample } | { error: unknown } | undefined;
  const running = command().then((ok) => { outcome = { ok }; }, (error: unknown) => { outcome = { error }; });
  let servedMs: number | undefined;
  let counts: LoadResult;
  try {
    while (servedMs === undefined) {
      if (outcome && "error" in outcome) throw outcome.error;
      if (elapsedMs() > RELEASE_TIMEOUT_MS) throw new Error(`${url} did not report version ${version} within ${RELEASE_TIMEOUT_MS / 1000}s`);
      const polled = elapsedMs();
      if ((await servedVersion(url)) === version) servedMs = elapsedMs();
      else await sleep(Math.max(0, POLL_MS - (elapsedMs() - polled)));
    }
  } finally {
    await running;
    counts = await load.stop();
  }
  if (!outcome || "error" in outcome) throw outcome?.error;
  return {
    wallMs: servedMs, cpuMs: outcome.ok.cpuMs, phasesMs: { command: outcome.ok.wallMs },
    counts: {
      failed: counts.failed, requests: counts.total,
      // What the failed ones got: `failed 502`, `failed error:ECONNRESET`, ...
      ...Object.fromEntries(Object.entries(counts.outcomes).filter(([o]) => !/^2\d\d$/.test(o)).map(([o, n]) => [`failed ${o}`, n])),
    },
  };
}

export async function releaseBench(ctx: BenchContext): Promise<ScenarioResult> {
  await requireImages(Object.values(localImages).filter((i) => i !== localImages.base));
  const engine = requireEngine().path;
  const work = mkdtempSync(join(tmpdir(), "bench-release-"));
  const stateDir = join(work, "state");
  const envDir = join(work, "environments");
  const composeEnvDir = join(work, "compose-environments");
  for (const dir of [stateDir, envDir, composeEnvDir]) mkdirSync(dir);
  const outdir = join(work, "cdktf.out");
  const stackDir = join(outdir, "stacks", TF_ENV.name);
  // One folder for every version's compose file: the files it mounts keep their paths, as a compose user's would.
  const composeDir = join(work, "compose");
  const composeFile = join(composeDir, "docker-compose.yml");
  const tfUrl = `http://127.0.0.1:${TF_ENV.port}/healthz`;
  const composeUrl = `http://127.0.0.1:${COMPOSE_ENV.port}/healthz`;
  const notes: string[] = [];
  const run = Date.now().toString(36);
  let releases = 0;
  const nextVersion = (side: string) => `${side}-${run}-${++releases}-${randomBytes(2).toString("hex")}`;

  const { tearDownTerraform, tearDownCompose, unregister } = pairTeardown({
    engine, stackDir, terraformEnv: TF_ENV.name,
    composeEnv: COMPOSE_ENV.name, composeFile, composeDir, notes,
  });

  try {
    await removeEnvironment(TF_ENV.name);
    await removeEnvironment(COMPOSE_ENV.name);
    await requirePortFree(TF_ENV.port);
    await requirePortFree(COMPOSE_ENV.port);

    // Terraform: the environment at its first version, deployed as a project would be (not measured).
    const tfRelease = (version: string) => writeEnvironment(envDir, dockerBenchVariant(TF_ENV.name, TF_ENV.port, stateDir, { APP_VERSION: version }));
    const cdktfDeploy = () => timeCommand("npx", ["cdktf", "deploy", TF_ENV.name, "--auto-approve", "--output", outdir], { cwd: PROJECT_ROOT, env: { ENVIRONMENTS_DIR: envDir }, timeoutMs: RELEASE_TIMEOUT_MS });
    ctx.log(`  deploying ${TF_ENV.name} (cdktf) and ${COMPOSE_ENV.name} (docker-compose) at their first version (not measured)`);
    tfRelease(nextVersion("cdktf"));
    await cdktfDeploy();
    const tfTarget: HealthTarget = { env: TF_ENV.name, services: composeFromStack(await synthStack(envDir, join(work, "tf-synth.out"), TF_ENV.name), TF_ENV.name).services, url: tfUrl };
    await waitHealthy(tfTarget);

    // Compose: the file generated from the same environment at each version, in one folder, the same secrets throughout.
    const composeRelease = async (version: string) => {
      writeEnvironment(composeEnvDir, dockerBenchVariant(COMPOSE_ENV.name, COMPOSE_ENV.port, stateDir, { APP_VERSION: version }));
      const project = composeFromStack(await synthStack(composeEnvDir, join(work, "compose-synth.out"), COMPOSE_ENV.name), COMPOSE_ENV.name);
      writeCompose(project, composeDir, `the \`${COMPOSE_ENV.name}\` environment (environments/local.ts on port ${COMPOSE_ENV.port}, protect: false, APP_VERSION=${version})`, "npm run bench -- --only release");
      return project;
    };
    const first = await composeRelease(nextVersion("compose"));
    const secrets = generateSecrets(first.secrets);
    const composeUp = () => timeCommand("docker-compose", ["-p", COMPOSE_ENV.name, "-f", composeFile, "up", "-d"], { cwd: composeDir, env: secrets, timeoutMs: RELEASE_TIMEOUT_MS });
    await composeUp();
    const composeTarget: HealthTarget = { env: COMPOSE_ENV.name, services: first.services, url: composeUrl };
    await waitHealthy(composeTarget);

    const variants: Variant[] = [
      {
        key: "cdktf", label: "npx cdktf deploy (release)", command: `ENVIRONMENTS_DIR=<bench env, new APP_VERSION> npx cdktf deploy ${TF_ENV.name} --auto-approve --output <tmp>`,
        run: async () => {
          await waitHealthy(tfTarget); // settled after the previous release (not measured)
          const version = nextVersion("cdktf");
          tfRelease(version);
          return releaseUnderLoad(tfUrl, version, cdktfDeploy);
        },
      },
      {
        key: "compose", label: "docker-compose up -d (release)", command: `docker-compose -p ${COMPOSE_ENV.name} -f <generated, new APP_VERSION> up -d`,
        run: async () => {
          await waitHealthy(composeTarget);
          const version = nextVersion("compose");
          await composeRelease(version); // editing the compose file: not measured
          return releaseUnderLoad(composeUrl, version, composeUp);
        },
      },
    ];
    const results = await compare(variants, { runs: ctx.runs, warmup: ctx.warmup, log: ctx.log });
    await waitHealthy(tfTarget);
    await waitHealthy(composeTarget);

    const failed = (key: string) => results[key].samples.map((s) => s.counts?.failed ?? 0);
    const requests = (key: string) => results[key].samples.map((s) => s.counts?.requests ?? 0);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const kinds = (key: string) => Object.entries(results[key].counts ?? {}).filter(([k]) => k.startsWith("failed ")).map(([k, c]) => `${k.slice(7)}: ${c.sum}`);
    const describe = (key: string) => `${sum(failed(key))} of ${sum(requests(key))} requests failed (per run: ${failed(key).join(", ")} of ${requests(key).join(", ")})`
      + (kinds(key).length ? `; ${kinds(key).join(", ")}` : "");
    const ratio = results.cdktf.wallMs.median / results.compose.wallMs.median;
    return {
      id: "release", title: "A release (new APP_VERSION) of the deployed local Docker environment, under load",
      variants: results,
      targets: [
        { description: "failed requests during a cdktf release", target: "0", measured: describe("cdktf"), met: sum(failed("cdktf")) === 0 },
      ],
      notes: [
        `time to the new version serving: cdktf deploy ${seconds(results.cdktf.wallMs.median)} (${seconds(results.cdktf.wallMs.min)}–${seconds(results.cdktf.wallMs.max)}) vs docker-compose up -d ${seconds(results.compose.wallMs.median)} (${seconds(results.compose.wallMs.min)}–${seconds(results.compose.wallMs.max)}): ${ratio.toFixed(2)}× (cdktf/compose)`,
        `docker-compose up -d: ${describe("compose")}`,
        `the commands returned after: cdktf deploy ${seconds(results.cdktf.phasesMs!.command.median)}, docker-compose up -d ${seconds(results.compose.phasesMs!.command.median)} (median; cdktf goes on removing the old replicas after the switch)`,
        `load: ${CLIENTS} keep-alive clients, one request after another to /healthz through the proxy, no retries (a non-2xx or a connection error fails), from the command's start until it returned and the new version served; /healthz polled every ${POLL_MS} ms for the version`,
        "before each run, not measured: the environment healthy (every container up, one-shot ones exited 0), the environment file (cdktf) or the generated compose file (compose) changed",
        ...notes,
      ],
    };
  } finally {
    await tearDownTerraform();
    await tearDownCompose();
    unregister();
    rmSync(work, { recursive: true, force: true });
  }
}
