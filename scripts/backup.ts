/**
 * Backups of a Docker or Hetzner environment, on demand, through its backup sidecar:
 *   npm run backup  -- <env> [--list]                       dump the database now, copy it off-site and verify
 *                                                           it (as the schedule does), or list the dumps
 *   npm run restore -- <env> [--from <key>] [--from-offsite] restore the newest dump, or the one named; with
 *                                                           --from-offsite, from the off-site copy: the
 *                                                           database and the data bucket (a lost host)
 * A restore replaces the live database, so it first takes a safety dump of the database as it is
 * (the sidecar's `backup now`: same bucket, same retention as any dump, not copied off-site) and restores
 * only once that dump is stored. It prints the safety dump's key: `--from <that key>` undoes the restore.
 * Works against the environment's own engine (local socket or ssh://), like Terraform does; on Hetzner,
 * against its data server's, over ssh with the host key pinned, both read from the machines' stack's
 * outputs (its state, through `terraform output` in cdktf.out/stacks/<env>).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import execa from "execa";
import { dockerNames } from "../constructs/docker/names";
import type { ContainerEnvironment } from "../constructs/docker";
import { sshOptions } from "../constructs/docker/host";
import { MACHINE_OUTPUTS } from "../constructs/hetzner/outputs";
import { HetznerEnvironment, hostBackups, loadEnvironments, stacksOf } from "../lib/environment";
import { init, lastLines, OUT_DIR, terraform } from "./lib/stack-runner";
import { runCli } from "./lib/cli";
import { PROJECT_ROOT } from "./lib/paths";

const OPTIONS = { from: { type: "string" }, "from-offsite": { type: "boolean" }, list: { type: "boolean" } } as const;
type Option = keyof typeof OPTIONS;

// Each mode takes only its own options: `restore --list` once restored the newest dump while its
// user wanted to see the dumps first.
const MODES: Record<"backup" | "restore", { usage: string; options: readonly Option[]; allowed: string }> = {
  backup: { usage: "npm run backup -- <env> [--list]", options: ["list"], allowed: "its only option is --list" },
  restore: { usage: "npm run restore -- <env> [--from <object-key>] [--from-offsite]", options: ["from", "from-offsite"], allowed: "its options are --from <object-key> and --from-offsite" },
};
/** Where the other mode's option belongs, for the usage error. */
const ELSEWHERE: Record<Option, string> = {
  from: "to restore a dump: npm run restore -- <env> --from <object-key>",
  "from-offsite": "to restore from the off-site copy: npm run restore -- <env> --from-offsite",
  list: "to see the dumps first: npm run backup -- <env> --list",
};
type Mode = keyof typeof MODES;

const mode = process.argv[2];

async function main(): Promise<void> {
  if (mode !== "backup" && mode !== "restore") throw new Error(`unknown mode "${mode}"; expected backup or restore (npm run backup / npm run restore)`);
  const { name, from, list, "from-offsite": fromOffsite } = parse(mode, process.argv.slice(3));
  const env = containerEnvironment(name);
  const backup = sidecar(env, await dockerCommand(env));
  if (mode === "backup" && list) await showDumps(env, backup);
  // What the schedule does: the dump, its off-site copy, its verification, the result recorded.
  else if (mode === "backup") await backup(["run"]);
  else await restore(env, backup, { from, offsite: fromOffsite === true });
}

/** The dumps with their verification, the off-site ones too, and how the last run (scheduled or not) went. */
async function showDumps(env: ContainerEnvironment, backup: Sidecar): Promise<void> {
  console.log(`Dumps in ${env.name}'s backup bucket (key, bytes, time, verification):`);
  await backup(["list"]);
  if (hostBackups(env)?.copiedOffsite) {
    console.log("Off-site copies:");
    await backup(["list", "--offsite"]);
  }
  console.log(`Last run: ${await backup(["status"], "capture")}`);
}


/** The arguments of a mode; anything else (another mode's option included) is a usage error, before anything runs. */
function parse(mode: Mode, args: string[]): { name: string; from?: string; list?: boolean; "from-offsite"?: boolean } {
  const { usage, options, allowed } = MODES[mode];
  // A first, lenient pass names an unknown option in our own words, not parseArgs' generic ones.
  for (const token of parseArgs({ args, strict: false, allowPositionals: true, tokens: true }).tokens) {
    if (token.kind === "option" && !(options as readonly string[]).includes(token.name)) {
      const hint = Object.hasOwn(ELSEWHERE, token.name) ? ELSEWHERE[token.name as Option] : undefined;
      throw new Error(`${mode} does not take ${token.rawName}; ${allowed}${hint ? ` (${hint})` : ""}\nusage: ${usage}`);
    }
  }
  let parsed;
  try {
    parsed = parseArgs({ args, strict: true, allowPositionals: true, options: OPTIONS });
  } catch (err) {
    throw new Error(`${(err as Error).message}\nusage: ${usage}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new Error(`expected one environment name, got ${positionals.length}\nusage: ${usage}`);
  if (values.from === "") throw new Error(`--from needs an object key (npm run backup -- ${positionals[0]} --list shows them)\nusage: ${usage}`);
  return { name: positionals[0], ...values };
}

type Sidecar = (command: string[], output?: "show" | "capture") => Promise<string>;

/** Runs `backup <command>` in the environment's sidecar; "capture" returns its stdout (where it prints keys). */
function sidecar(env: ContainerEnvironment, docker: string[]): Sidecar {
  const container = dockerNames(env.name).backup;
  return async (command, output = "show") => {
    const result = await execa(docker[0], [...docker.slice(1), "exec", container, "backup", ...command], {
      stdio: ["inherit", output === "capture" ? "pipe" : "inherit", "inherit"], reject: false,
    });
    if (result.exitCode !== 0) {
      throw new Error(`backup ${command.join(" ")} failed in ${container} (exit ${result.exitCode}); is the environment deployed? (npx cdktf deploy ${stacksOf(env).map((s) => s.name).join(" ")})`);
    }
    return output === "capture" ? lastLine(result.stdout) : "";
  };
}

/**
 * Safety dump, then restore. No confirmation prompt: the safety dump makes a restore undoable, and
 * the command stays the same whether a person or a script runs it. From off-site, the data bucket is
 * put back too (it becomes exactly the copy's objects): the way back after losing the whole host.
 */
async function restore(env: ContainerEnvironment, backup: Sidecar, source: { from?: string; offsite: boolean }): Promise<void> {
  if (source.offsite && !hostBackups(env)?.copiedOffsite) throw new Error(`${env.file}: backups.offsite: this environment keeps no off-site copy to restore from`);
  const where = source.offsite ? ["--offsite"] : [];
  // Which dump to restore is settled first: once the safety dump is stored it is the newest one,
  // and "the newest" would then be the database as it is now. A mistyped --from fails here, too.
  const target = await backup(["resolve", ...where, ...(source.from ? [source.from] : [])], "capture");
  let safety: string;
  try {
    // --keep: this dump's retention must not delete the one about to be restored. --no-offsite: the
    // database as it was before is no off-site copy (it would become the newest one there).
    safety = await backup(["now", "--keep", target, "--no-offsite"], "capture");
  } catch (err) {
    throw new Error(`${(err as Error).message}\nThe safety dump of the current database failed, so nothing was restored: the database is unchanged.`);
  }
  console.log(`Safety dump of ${env.name}'s database as it was before this restore: ${safety}`);
  console.log(`Restoring ${target}${source.offsite ? " from the off-site copy" : ""} over it...`);
  try {
    await backup(["restore", ...where, target]);
  } catch (err) {
    throw new Error(`${(err as Error).message}\nThe restore runs in one transaction, so the database is as it was; its safety dump is ${safety}.`);
  }
  console.log(`Restored ${target} into ${env.name}'s database.`);
  if (source.offsite && env.bucket) {
    await backup(["restore-objects"]);
    console.log(`Restored the objects of ${env.name}'s bucket from the off-site copy.`);
  }
  console.log(`To undo the database's restore: npm run restore -- ${env.name} --from ${safety}`);
}

function lastLine(text: string): string {
  const line = text.trim().split("\n").pop()?.trim() ?? "";
  if (!line) throw new Error("the backup sidecar printed no object key");
  return line;
}

function containerEnvironment(name: string): ContainerEnvironment {
  const environments = loadEnvironments(process.env.ENVIRONMENTS_DIR ?? join(PROJECT_ROOT, "environments"));
  const env = environments.find((e) => e.name === name);
  if (!env) throw new Error(`no environment "${name}"; there are: ${environments.map((e) => e.name).join(", ")}`);
  if (env.provider === "gcp") {
    throw new Error(`${env.file}: on gcp backups run on the provider's side (see README "Backups"); this command is for Docker and Hetzner environments`);
  }
  if (!env.database) throw new Error(`${env.file}: this environment has no database (database: false), so there is nothing to back up or restore`);
  return env;
}

/** How to run `docker` against the engine the backup sidecar is on. */
async function dockerCommand(env: ContainerEnvironment): Promise<string[]> {
  if (env.provider === "docker") return ["docker", "--host", env.host.url];
  // The docker CLI's ssh takes no options, so the ssh with the pinned key runs docker on the server.
  const outputs = await machineOutputs(env);
  const url = new URL(outputs[MACHINE_OUTPUTS.ssh("data")]);
  return ["ssh", ...sshOptions(outputs[MACHINE_OUTPUTS.knownHosts("data")]), ...(url.port ? ["-p", url.port] : []), `${url.username}@${url.hostname}`, "docker"];
}

/** The outputs of a Hetzner environment's machines' stack, as `terraform output` reads them from its state. */
async function machineOutputs(env: HetznerEnvironment): Promise<Record<string, string>> {
  const stack = { name: env.name, env, part: "main" as const, dir: join(OUT_DIR, "stacks", env.name) };
  if (!existsSync(join(stack.dir, "cdk.tf.json"))) throw new Error(`${stack.dir} is missing: run npx cdktf synth (or deploy) first`);
  if (!existsSync(join(stack.dir, ".terraform"))) await init(stack);
  const result = await terraform(stack, ["output", "-json"]);
  if (result.exitCode !== 0) throw new Error(`terraform output of ${env.name} failed:\n${lastLines(result.stderr)}`);
  const outputs = Object.fromEntries(Object.entries(JSON.parse(result.stdout) as Record<string, { value: string }>).map(([k, v]) => [k, v.value]));
  if (!outputs[MACHINE_OUTPUTS.ssh("data")]) throw new Error(`${env.name} has no data server in its state: is it deployed? (npx cdktf deploy ${env.name})`);
  return outputs;
}

runCli(`npm run ${mode ?? "backup"}`, main);
