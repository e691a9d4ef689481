/**
 * npm run bootstrap -- <gcp-env> [--first] [--plan] [--auto-approve]
 *
 * Applies a Google Cloud environment's bootstrap stack (constructs/gcp/bootstrap-stack.ts): the APIs,
 * the state bucket, the app's image repository, the runtime and CI identities. Run by a person with
 * owner rights on the project, once before the first deploy and again when the file's `ci` or `state`
 * changes; never by CI (README "First deploy to a new Google Cloud project").
 *
 *   --first         the state bucket does not exist yet: apply with this stack's state in a local file
 *                   (terraform.<env>-bootstrap.tfstate), then move that state into the bucket it created
 *                   and delete the local file
 *   --plan          plan only (nothing is applied, nothing moved)
 *   --auto-approve  apply without asking
 *
 * Synthesizes only this stack (into cdktf.out/bootstrap), after checking every environment file and the
 * residency policy, like `cdktf synth`.
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { App } from "cdktf";
import execa from "execa";
import { bootstrapStack, enforceResidency } from "../constructs/backend-stack";
import { bootstrapStackName, Environment, loadEnvironments, localStatePath, stateBucketCreators } from "../lib/environment";
import { ExpectedError } from "../lib/errors";
import { runCli } from "./lib/cli";
import { requireEngine } from "./lib/engine";
import { PROJECT_ROOT } from "./lib/paths";
import { ENVIRONMENTS_DIR, OUT_DIR, terraformEnv } from "./lib/stack-runner";

const USAGE = "usage: npm run bootstrap -- <gcp-env> [--first] [--plan] [--auto-approve]";

function parse(args: string[]) {
  try {
    const { values, positionals } = parseArgs({
      args, allowPositionals: true, strict: true,
      options: { first: { type: "boolean" }, plan: { type: "boolean" }, "auto-approve": { type: "boolean" } },
    });
    if (positionals.length !== 1) throw new Error(`expected one environment, got ${positionals.length}`);
    return { name: positionals[0], first: values.first === true, planOnly: values.plan === true, autoApprove: values["auto-approve"] === true };
  } catch (err) {
    throw new ExpectedError(`${(err as Error).message}\n${USAGE}`);
  }
}

/** The environment, if it is one with a bootstrap; otherwise an error saying which ones have. */
function environmentNamed(name: string, environments: readonly Environment[]): Environment {
  const withBootstrap = environments.filter((e) => e.provider === "gcp").map((e) => e.name);
  const env = environments.find((e) => e.name === name);
  if (!env) throw new ExpectedError(`no environment ${name} in ${ENVIRONMENTS_DIR}; the ones with a bootstrap: ${withBootstrap.join(", ") || "none"}`);
  if (env.provider !== "gcp") {
    throw new ExpectedError(`${env.file}: a ${env.provider} environment has no bootstrap (its first deploy needs none: npx cdktf deploy ${name}); the ones with a bootstrap: ${withBootstrap.join(", ") || "none"}`);
  }
  return env;
}

/** Writes the bootstrap stack to cdktf.out/bootstrap/stacks/<env>-bootstrap and returns that folder. */
function synthesizeBootstrap(env: Environment, environments: readonly Environment[], localState: boolean): string {
  const outdir = join(OUT_DIR, "bootstrap");
  const app = new App({ outdir });
  const stack = bootstrapStack(app, env, stateBucketCreators(environments), localState)!;
  enforceResidency([stack]);
  app.synth();
  return join(outdir, "stacks", bootstrapStackName(env));
}

/** Terraform in the stack's folder, its output the user's to read (and its questions theirs to answer). */
async function terraform(dir: string, args: string[]): Promise<void> {
  if (!process.stdout.isTTY) args = [...args, "-no-color"]; // a log, not a terminal
  const result = await execa(requireEngine().path, args, {
    cwd: dir, stdio: "inherit", reject: false, extendEnv: false, env: terraformEnv(),
  });
  if (result.exitCode !== 0) throw new ExpectedError(`terraform ${args[0]} failed (exit ${result.exitCode}); see its output above`);
}

async function main(): Promise<void> {
  const { name, first, planOnly, autoApprove } = parse(process.argv.slice(2));
  const environments = loadEnvironments(ENVIRONMENTS_DIR);
  const env = environmentNamed(name, environments);
  const remoteState = env.state.backend === "gcs";
  const localState = first && remoteState;

  let dir = synthesizeBootstrap(env, environments, localState);
  // With --first the local file is the state, whatever an earlier, interrupted move left configured.
  await terraform(dir, ["init", "-input=false", ...(localState ? ["-reconfigure"] : [])]);
  if (planOnly) {
    await terraform(dir, ["plan", "-input=false"]);
    return;
  }
  await terraform(dir, ["apply", ...(autoApprove ? ["-auto-approve", "-input=false"] : [])]);

  if (localState) {
    // The bucket exists now: the same stack with its state in it, and the local state moved there.
    const local = localStatePath(env, undefined, "bootstrap");
    dir = synthesizeBootstrap(env, environments, false);
    await terraform(dir, ["init", "-input=false", "-migrate-state", "-force-copy"]);
    for (const file of [local, `${local}.backup`]) if (existsSync(file)) rmSync(file);
    console.log(`\nThe bootstrap's state is in gs://${env.state.backend === "gcs" ? env.state.bucket : ""} now; ${local} is deleted.`);
  }
  await terraform(dir, ["output"]);
  console.log([
    "",
    `Next: push the app's image to the image_repository above (service.image names it), set the GitHub`,
    `variables from the outputs (README "Pull-request plans, drift detection and deploys"), then deploy:`,
    `  npx cdktf deploy ${env.name}`,
  ].join("\n"));
}

process.chdir(PROJECT_ROOT);
runCli("npm run bootstrap", main);
