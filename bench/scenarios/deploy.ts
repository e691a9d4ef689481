import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { localImages } from "../../images/catalog";
import { requireEngine } from "../../scripts/lib/engine";
import { pairTeardown } from "../lib/cleanup";
import { composeFromStack } from "../lib/compose";
import { generateSecrets, synthStack, writeCompose } from "../lib/compose-project";
import { HealthTarget, removeEnvironment, requireImages, requirePortFree, waitHealthy } from "../lib/docker";
import { dockerBenchVariant, environmentsDir, PROJECT_ROOT } from "../lib/environments";
import { compare, Sample, timeCommand, Variant } from "../lib/measure";
import { BenchContext, ScenarioResult, seconds } from "../lib/result";

/** The benchmark's own environments (never `local`): what Terraform deploys, and what compose does. */
const TF_ENV = { name: "bench", port: 18080 };
const COMPOSE_ENV = { name: "bench-compose", port: 18081 };
/** The compose file generated from COMPOSE_ENV's stack, kept in the repository to read. */
export const COMPOSE_DIR = join(PROJECT_ROOT, "bench", "compose");
const COMPOSE_FILE = join(COMPOSE_DIR, "docker-compose.yml");

async function deployed(deploy: () => Promise<Sample>, target: HealthTarget): Promise<Sample> {
  const start = process.hrtime.bigint();
  const command = await deploy();
  await waitHealthy(target);
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  return { wallMs, cpuMs: command.cpuMs, phasesMs: { command: command.wallMs } };
}

export async function deployBench(ctx: BenchContext): Promise<ScenarioResult> {
  await requireImages(Object.values(localImages).filter((i) => i !== localImages.base));
  const engine = requireEngine().path;
  const work = mkdtempSync(join(tmpdir(), "bench-deploy-"));
  const stateDir = join(work, "state");
  mkdirSync(stateDir);
  const tfEnvDir = environmentsDir([dockerBenchVariant(TF_ENV.name, TF_ENV.port, stateDir)]);
  const composeEnvDir = environmentsDir([dockerBenchVariant(COMPOSE_ENV.name, COMPOSE_ENV.port, stateDir)]);
  const outdir = join(work, "cdktf.out");
  const stackDir = join(outdir, "stacks", TF_ENV.name);
  const compose = (args: string[], env: Record<string, string> = {}) =>
    timeCommand("docker-compose", ["-p", COMPOSE_ENV.name, "-f", COMPOSE_FILE, ...args], { cwd: COMPOSE_DIR, env });
  const notes: string[] = [];

  const { tearDownTerraform, tearDownCompose, unregister } = pairTeardown({
    engine, stackDir, terraformEnv: TF_ENV.name, afterTerraform: () => rmSync(join(stateDir, `${TF_ENV.name}.tfstate`), { force: true }),
    composeEnv: COMPOSE_ENV.name, composeFile: COMPOSE_FILE, composeDir: COMPOSE_DIR, notes,
  });

  try {
    // Leftovers of an interrupted earlier run would collide with the names.
    await removeEnvironment(TF_ENV.name);
    await removeEnvironment(COMPOSE_ENV.name);
    await requirePortFree(TF_ENV.port);
    await requirePortFree(COMPOSE_ENV.port);

    ctx.log("  synthesizing the benchmark environments; terraform init (not measured, as in a project deployed before)");
    const tfStack = await synthStack(tfEnvDir, outdir, TF_ENV.name);
    await timeCommand(engine, ["init", "-input=false", "-no-color"], { cwd: stackDir });
    const composeProject = composeFromStack(await synthStack(composeEnvDir, join(work, "compose.out"), COMPOSE_ENV.name), COMPOSE_ENV.name);
    writeCompose(composeProject, COMPOSE_DIR, `the \`${COMPOSE_ENV.name}\` environment (environments/local.ts on port ${COMPOSE_ENV.port}, protect: false)`);

    const tfTarget: HealthTarget = { env: TF_ENV.name, services: composeFromStack(tfStack, TF_ENV.name).services, url: `http://127.0.0.1:${TF_ENV.port}/healthz` };
    const composeTarget: HealthTarget = { env: COMPOSE_ENV.name, services: composeProject.services, url: `http://127.0.0.1:${COMPOSE_ENV.port}/healthz` };
    const cycle = (deploy: () => Promise<Sample>, target: HealthTarget, tearDown: () => Promise<void>) => async () => {
      try {
        return await deployed(deploy, target);
      } finally {
        await tearDown();
      }
    };
    const variants: Variant[] = [
      {
        key: "cdktf", label: "npx cdktf deploy", command: `ENVIRONMENTS_DIR=<bench env> npx cdktf deploy ${TF_ENV.name} --auto-approve --output <tmp>`,
        run: cycle(() => timeCommand("npx", ["cdktf", "deploy", TF_ENV.name, "--auto-approve", "--output", outdir], { cwd: PROJECT_ROOT, env: { ENVIRONMENTS_DIR: tfEnvDir } }), tfTarget, tearDownTerraform),
      },
      {
        key: "terraform", label: "terraform apply", command: "terraform apply -auto-approve (the synthesized stack)",
        run: cycle(() => timeCommand(engine, ["apply", "-auto-approve", "-input=false", "-no-color"], { cwd: stackDir }), tfTarget, tearDownTerraform),
      },
      {
        key: "compose", label: "docker-compose up -d", command: `docker-compose -p ${COMPOSE_ENV.name} -f bench/compose/docker-compose.yml up -d`,
        run: cycle(() => compose(["up", "-d"], generateSecrets(composeProject.secrets)), composeTarget, tearDownCompose),
      },
    ];
    const results = await compare(variants, { runs: ctx.runs, warmup: ctx.warmup, log: ctx.log });
    const ratio = results.cdktf.wallMs.median / results.compose.wallMs.median;
    const tfRatio = results.terraform.wallMs.median / results.compose.wallMs.median;
    return {
      id: "deploy", title: "Deploy of the local Docker environment, from nothing to healthy",
      variants: results,
      targets: [
        { description: "cdktf deploy vs docker-compose up (to healthy)", target: "≤ 1.3×", measured: `${ratio.toFixed(2)}× (${seconds(results.cdktf.wallMs.median)} vs ${seconds(results.compose.wallMs.median)})`, met: ratio <= 1.3 },
      ],
      notes: [
        `plain terraform apply: ${seconds(results.terraform.wallMs.median)} (${tfRatio.toFixed(2)}× compose): the rest of cdktf deploy is the CLI and synth`,
        "healthy = every long-running container running, and healthy where Terraform waits for its healthcheck (not the backup sidecar's, which reports on its scheduled backups every 30 s and gates nothing), every one-shot container (probe-install, ready, route) exited 0, and /healthz through the proxy answering ok (the same poll for all three)",
        "each run starts from nothing (no containers, networks, volumes, empty state) in a project already initialized (terraform init done once, before)",
        ...notes,
      ],
    };
  } finally {
    await tearDownTerraform();
    await tearDownCompose();
    unregister();
    for (const dir of [work, tfEnvDir, composeEnvDir]) rmSync(dir, { recursive: true, force: true });
  }
}
