import { cpus } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import execa from "execa";
import pLimit from "p-limit";
import { Environment, loadEnvironments, StatePart, stacksOf } from "../../lib/environment";
import { requireEngine } from "./engine";
import { appCommand } from "./app-command";
import { PROJECT_ROOT } from "./paths";

/*
 * Runs terraform over many stacks at once: the engine behind `npm run plan` and `npm run drift`.
 * The app is synthesized once, then every stack runs in its own folder of cdktf.out. Terraform work
 * is mostly waiting (provider start-up, API calls, state reads), so stacks overlap well even on two cores.
 */

export interface Stack {
  readonly name: string;
  readonly env: Environment;
  /** Which of the environment's states it keeps: its own, or (Hetzner's containers) "apps". */
  readonly part: StatePart;
  /** cdktf.out/stacks/<name>: where terraform runs. */
  readonly dir: string;
}

export const ENVIRONMENTS_DIR = process.env.ENVIRONMENTS_DIR || join(PROJECT_ROOT, "environments");
export const OUT_DIR = process.env.CDKTF_OUTDIR || join(PROJECT_ROOT, "cdktf.out");

/**
 * Stacks the user asked for (all when none are named), in deploy order. An environment's name selects
 * all its stacks (Hetzner's two: `hetzner-prod` and `hetzner-prod-apps`, stacksOf); a stack's name, that
 * stack. An unknown name is an error naming the known ones.
 */
export function selectStacks(requested: readonly string[]): Stack[] {
  const environments = loadEnvironments(ENVIRONMENTS_DIR);
  const all: Stack[] = environments.flatMap((env) => stacksOf(env).map(({ name, part }) => ({ name, env, part, dir: join(OUT_DIR, "stacks", name) })));
  const stacksNamed = (name: string) => {
    const env = environments.find((e) => e.name === name);
    return env ? all.filter((s) => s.env === env) : all.filter((s) => s.name === name);
  };
  const unknown = requested.filter((name) => stacksNamed(name).length === 0);
  if (unknown.length) {
    throw new Error(`unknown stack${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}: the stacks are ${all.map((s) => s.name).join(", ")} (one per file in ${ENVIRONMENTS_DIR}; Hetzner's two)`);
  }
  if (requested.length === 0) return all;
  const chosen = new Set(requested.flatMap(stacksNamed));
  return all.filter((s) => chosen.has(s));
}

/**
 * The command line every stack command takes: `[stack ...] [--concurrency N]`, plus the command's own
 * string options with their defaults. Bad input throws a message naming the option.
 */
export function parseStackCommand<K extends string>(defaults: Record<K, string>, args = process.argv.slice(2)) {
  const options = Object.fromEntries(Object.keys(defaults).map((k) => [k, { type: "string" as const, default: defaults[k as K] }]));
  const { values, positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: { ...options, concurrency: { type: "string" } } });
  const stacks = selectStacks(positionals);
  const concurrency = values.concurrency === undefined ? defaultConcurrency(stacks.length) : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`--concurrency: expected a whole number of at least 1, got "${values.concurrency}"`);
  return { stacks, concurrency, options: values as unknown as Record<K, string> };
}

/** Synthesizes every stack into OUT_DIR the way `cdktf synth` does (cdktf.json's app command, same folder). */
export async function synthesize(): Promise<void> {
  const app = appCommand();
  const result = await execa(app.file, app.args, {
    cwd: PROJECT_ROOT, reject: false, env: { CDKTF_OUTDIR: OUT_DIR, ENVIRONMENTS_DIR },
  });
  if (result.exitCode !== 0) throw new Error(`synth failed:\n${synthErrorText(result.stderr || result.stdout)}`);
}

/** A line of a Node stack trace: `    at f (file.ts:48:43)`, `    at file.ts:1:2`, `    at Array.map (<anonymous>)`. */
const STACK_FRAME = /^\s+at .*(:\d+:\d+\)?|<anonymous>\)?)$/;

/**
 * What a failed synth printed, made fit for a report (it ends up in PR comments, once per stack): the
 * message is at the top, so that is kept; stack frames and Node's version line say nothing to a reader.
 */
export function synthErrorText(output: string, maxLines = 40, maxChars = 4000): string {
  const lines = output.split("\n").filter((line) => !STACK_FRAME.test(line) && !/^Node\.js v\d/.test(line)).join("\n").trim().split("\n");
  const head = lines.slice(0, maxLines).join("\n");
  const text = head.length > maxChars ? `${head.slice(0, maxChars)}…` : head;
  return lines.length > maxLines ? `${text}\n… (${lines.length - maxLines} more lines)` : text;
}

/** How many stacks run at once: all of them up to a few per core (terraform mostly waits). */
export function defaultConcurrency(stacks: number): number {
  return Math.max(1, Math.min(stacks, cpus().length * 2));
}

/** Runs `work` for every stack, at most `concurrency` at a time; results keep the stacks' order. */
export async function forEachStack<T>(stacks: readonly Stack[], concurrency: number, work: (stack: Stack) => Promise<T>): Promise<T[]> {
  const limit = pLimit(concurrency);
  return Promise.all(stacks.map((stack) => limit(() => work(stack))));
}

/**
 * Runs terraform in a stack's folder; never throws on a non-zero exit (the caller reads exitCode).
 * A plugin cache set in the environment is dropped, for the reason the CLI config has none (cli-config.ts).
 */
export function terraform(stack: Stack, args: string[], env: Record<string, string> = {}): Promise<execa.ExecaReturnValue> {
  return execa(requireEngine().path, args, {
    cwd: stack.dir, reject: false, extendEnv: false, env: terraformEnv({ TF_IN_AUTOMATION: "1", TF_INPUT: "0", ...env }),
  });
}

/** The process's environment for terraform: no checkpoint call, no shared plugin cache (see terraform), plus `env`. */
export function terraformEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { TF_PLUGIN_CACHE_DIR: _shared, ...inherited } = process.env;
  return { ...inherited, CHECKPOINT_DISABLE: "1", ...env };
}

/** `terraform init` of a stack (backend and providers from the offline mirror). Throws with terraform's error. */
export async function init(stack: Stack): Promise<void> {
  const result = await terraform(stack, ["init", "-input=false", "-no-color"]);
  if (result.exitCode !== 0) throw new Error(`terraform init failed:\n${lastLines(result.stderr || result.stdout)}`);
}

/**
 * Why a stack cannot be planned yet, if that is why its plan failed: Hetzner's containers' stack reads
 * its servers from the machines' stack's state, which has no outputs before that stack is deployed.
 */
export function notYetPlannable(stack: Stack, planOutput: string): string | undefined {
  const noMachines = /Unable to find remote state|No stored state was found|data\.terraform_remote_state\.[\s\S]*(Unsupported attribute|does not have an attribute)/;
  if (stack.part !== "apps" || !noMachines.test(planOutput)) return undefined;
  return `the machines' stack ${stack.env.name} is not deployed yet: its containers are planned once it is (npx cdktf deploy ${stack.env.name} ${stack.name})`;
}

/** The tail of terraform's output, which is where it says what went wrong. */
export function lastLines(text: string, count = 30): string {
  return text.trim().split("\n").slice(-count).join("\n");
}
