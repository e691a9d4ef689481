/*
 * npm run --silent affected -- (--base <rev> [--head <rev>] | --all)
 *
 * The stacks a change touches, as a GitHub Actions matrix: {"include":[{"stack":"hetzner-prod","provider":"hetzner"}]}.
 * An environment file touches its own stack; code every stack is built from (constructs, lib, the app,
 * provider pins, the patches carried on them and the project's own providers, dependencies) touches all of them. Stacks whose Docker Engine is the machine's own
 * socket (`local`) are for a person's machine, not CI, and are never listed.
 */
import { parseArgs } from "node:util";
import execa from "execa";
import { Environment, loadEnvironments, stacksOf } from "../lib/environment";
import { ENVIRONMENTS_DIR } from "./lib/stack-runner";
import { PROJECT_ROOT } from "./lib/paths";

/**
 * Paths every stack is synthesized from, or whose code runs with a stack's credentials in CI (the plan,
 * deploy and drift scripts and what they import, the CLI launcher, the workflows and their actions): a
 * change to any of them is planned for every stack in the pull request, before it runs with deploy
 * credentials on main.
 */
const SHARED = [
  /^constructs\//, /^lib\//, /^main\.ts$/, /^cdktf\.json$/, /^tsconfig\.json$/, /^scripts\//, /^\.github\//,
  /^package(-lock)?\.json$/, /^images\/catalog\.ts$/, /^patches\//, /^providers\//,
];
const ENVIRONMENT_FILE = /^environments\/([a-z][a-z0-9-]*)\.ts$/;

/** Stacks CI can plan and deploy: every one not bound to the local machine's Docker socket. */
export function ciEnvironments(environments: readonly Environment[]): Environment[] {
  return environments.filter((env) => !(env.provider === "docker" && env.host.url.startsWith("unix://")));
}

/**
 * The GitHub Actions matrix of `environments`: per environment its name (`stack`: what plan, drift and the
 * GitHub environments are named by), provider, and `stacks`, what `cdktf deploy` is given: all of the
 * environment's stacks in order (Hetzner's two).
 */
export function matrix(environments: readonly Environment[]) {
  if (environments.length > MAX_MATRIX_JOBS) {
    throw new Error(`${environments.length} environments are affected, and a GitHub Actions matrix runs at most ${MAX_MATRIX_JOBS} jobs: ` +
      "split the change (an environment file's change affects its stack only; shared code affects them all), or split the environments over repositories or workflows");
  }
  return { include: environments.map((env) => ({ stack: env.name, provider: env.provider, stacks: stacksOf(env).map((s) => s.name).join(" ") })) };
}

/** GitHub Actions' limit on the jobs one matrix generates in a workflow run (one job per environment here). */
export const MAX_MATRIX_JOBS = 256;

export function affectedStacks(changedFiles: readonly string[], environments: readonly Environment[]): Environment[] {
  const candidates = ciEnvironments(environments);
  if (changedFiles.some((file) => SHARED.some((pattern) => pattern.test(file)))) return candidates;
  const touched = new Set(changedFiles.map((file) => ENVIRONMENT_FILE.exec(file)?.[1]).filter(Boolean));
  return candidates.filter((env) => touched.has(env.name));
}

function changedFiles(base: string, head: string): string[] {
  const { stdout } = execa.sync("git", ["diff", "--name-only", "--no-renames", base, head], { cwd: PROJECT_ROOT });
  return stdout.split("\n").filter(Boolean);
}

function main(): void {
  const { values } = parseArgs({ options: { base: { type: "string" }, head: { type: "string", default: "HEAD" }, all: { type: "boolean", default: false } } });
  if (!values.all && !values.base) throw new Error("give --base <revision> (with --head, default HEAD), or --all");
  const environments = loadEnvironments(ENVIRONMENTS_DIR);
  const stacks = values.all ? ciEnvironments(environments) : affectedStacks(changedFiles(values.base!, values.head!), environments);
  console.log(JSON.stringify(matrix(stacks)));
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    console.error(`affected: ${(err as Error).message}`);
    process.exit(1);
  }
}
