import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { requireEngine } from "../../scripts/lib/engine";

export const ROOT = join(__dirname, "..", "..");

/** Runs the app the way `cdktf synth` does, into a fresh folder. */
export function synthApp(env: Record<string, string> = {}, entry = "main.ts"): { outdir: string; result: execa.ExecaSyncReturnValue } {
  const outdir = mkdtempSync(join(tmpdir(), "cdktf-out-"));
  const result = execa.sync("node", ["--import", "tsx", entry], {
    cwd: ROOT, reject: false, env: { CDKTF_OUTDIR: outdir, ...env },
  });
  return { outdir, result };
}

/** The engine `npm run providers` set up. In CI a missing engine fails the test, never skips it. */
export function terraform(args: string[], cwd: string, env: Record<string, string> = {}): execa.ExecaSyncReturnValue {
  return execa.sync(requireEngine().path, args, { cwd, reject: false, env: { CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", ...env } });
}
