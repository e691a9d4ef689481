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

export type PlannedResource = { address: string; type: string; values: Record<string, any> };

/**
 * `terraform plan` of a synthesized stack with no network: the remote state backend is swapped for a
 * local one by a Terraform override file (backend_override.tf.json) next to the stack, in the test
 * only; `env` supplies dummy credentials. Returns the planned resources from `terraform show -json`.
 */
export function offlinePlan(stackDir: string, env: Record<string, string>): PlannedResource[] {
  writeFileSync(join(stackDir, "backend_override.tf.json"), JSON.stringify({ terraform: { backend: { local: { path: "test.tfstate" } } } }));
  const init = terraform(["init", "-input=false", "-no-color"], stackDir);
  if (init.exitCode !== 0) throw new Error(`terraform init failed:\n${init.stderr}`);
  const plan = terraform(["plan", "-input=false", "-no-color", "-out", "plan.bin"], stackDir, env);
  if (plan.exitCode !== 0 || plan.stderr) throw new Error(`terraform plan failed:\n${plan.stderr}`);
  return JSON.parse(terraform(["show", "-json", "plan.bin"], stackDir).stdout).planned_values.root_module.resources;
}

export const byType = (resources: PlannedResource[], type: string) => resources.filter((r) => r.type === type);
