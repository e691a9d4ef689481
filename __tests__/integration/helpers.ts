import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { appCommand } from "../../scripts/lib/app-command";
import { requireEngine } from "../../scripts/lib/engine";

export const ROOT = join(__dirname, "..", "..");

/** Runs the app the way `cdktf synth` does (cdktf.json's app command), into a fresh folder. */
export function synthApp(env: Record<string, string> = {}, entry?: string): { outdir: string; result: execa.ExecaSyncReturnValue } {
  const outdir = mkdtempSync(join(tmpdir(), "cdktf-out-"));
  const app = appCommand(entry);
  const result = execa.sync(app.file, app.args, {
    cwd: ROOT, reject: false, env: { CDKTF_OUTDIR: outdir, ...env },
  });
  return { outdir, result };
}

/** The engine `npm run providers` set up. In CI a missing engine fails the test, never skips it. */
export function terraform(args: string[], cwd: string, env: Record<string, string> = {}): execa.ExecaSyncReturnValue {
  return execa.sync(requireEngine().path, args, { cwd, reject: false, env: { CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", ...env } });
}

/** `terraform(...)` that must succeed: a non-zero exit throws, naming the command and its stderr. */
export function terraformOk(args: string[], cwd: string, env: Record<string, string> = {}): execa.ExecaSyncReturnValue {
  const result = terraform(args, cwd, env);
  if (result.exitCode !== 0) throw new Error(`terraform ${args.join(" ")} failed in ${cwd}:\n${result.stderr}`);
  return result;
}

export type PlannedResource = { address: string; type: string; values: Record<string, any> };

/** What `terraform show -json` of a saved plan holds, as far as the tests read it in common. */
export type ShownPlan = { planned_values: { root_module: { resources: PlannedResource[] } } };

/**
 * `terraform init` of a synthesized stack with no network: the remote state backend is swapped for a
 * local one (`statePath`, relative to the stack) by a Terraform override file (backend_override.tf.json)
 * next to the stack, in the test only.
 */
export function offlineInit(stackDir: string, statePath = "test.tfstate"): void {
  writeFileSync(join(stackDir, "backend_override.tf.json"), JSON.stringify({ terraform: { backend: { local: { path: statePath } } } }));
  terraformOk(["init", "-input=false", "-no-color"], stackDir);
}

/**
 * `terraform plan` (with `extraArgs`) of a stack offlineInit set up, into plan.bin, which must neither
 * fail nor write to stderr; `env` supplies dummy credentials. Returns all of `terraform show -json plan.bin`.
 */
export function offlinePlanJson<T = ShownPlan>(stackDir: string, env: Record<string, string>, extraArgs: string[] = []): T {
  const plan = terraformOk(["plan", ...extraArgs, "-input=false", "-no-color", "-out", "plan.bin"], stackDir, env);
  if (plan.stderr) throw new Error(`terraform plan failed:\n${plan.stderr}`);
  return JSON.parse(terraform(["show", "-json", "plan.bin"], stackDir).stdout);
}

/**
 * `terraform plan` of a synthesized stack with no network (offlineInit, then offlinePlanJson): `env`
 * supplies dummy credentials. Returns the planned resources from `terraform show -json`.
 */
export function offlinePlan(stackDir: string, env: Record<string, string>): PlannedResource[] {
  offlineInit(stackDir);
  return offlinePlanJson(stackDir, env).planned_values.root_module.resources;
}

export const byType = (resources: PlannedResource[], type: string) => resources.filter((r) => r.type === type);
