import { existsSync } from "node:fs";
import execa from "execa";
import { removeEnvironment } from "./docker";

/**
 * Cleanups that must run however the benchmark ends: on success and failure (callers use finally)
 * and on Ctrl-C / SIGTERM, so no benchmark container, network or volume is left behind.
 */
const cleanups = new Set<() => Promise<unknown>>();
let installed = false;

export function registerCleanup(fn: () => Promise<unknown>): () => void {
  if (!installed) {
    installed = true;
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.once(signal, () => {
        console.error(`\n${signal}: cleaning up the benchmark's environments...`);
        void Promise.allSettled([...cleanups].map((f) => f())).then(() => process.exit(130));
      });
    }
  }
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

export interface PairTeardownProps {
  /** The terraform binary, and the synthesized stack it destroys (if it was synthesized). */
  readonly engine: string;
  readonly stackDir: string;
  readonly terraformEnv: string;
  /** Extra cleanup after Terraform's (e.g. its state file, so the next cycle starts from nothing). */
  readonly afterTerraform?: () => void;
  /** The compose project: its name, its file (if written) and the folder compose runs in. */
  readonly composeEnv: string;
  readonly composeFile: string;
  readonly composeDir: string;
  /** Where what a teardown had to remove by hand is reported. */
  readonly notes: string[];
}

/**
 * The teardowns of a benchmark's two sides — `terraform destroy` of the stack, `docker-compose down -v` of
 * the project, each followed by removing whatever it left (noted) — registered to run on Ctrl-C too.
 * `unregister` once the scenario has torn both down itself.
 */
export function pairTeardown(props: PairTeardownProps) {
  const tearDownTerraform = async () => {
    if (existsSync(props.stackDir)) await execa(props.engine, ["destroy", "-auto-approve", "-input=false", "-no-color"], { cwd: props.stackDir, reject: false, env: { CHECKPOINT_DISABLE: "1" } });
    const left = await removeEnvironment(props.terraformEnv);
    if (left.length) props.notes.push(`terraform destroy left ${left.join(", ")} (removed)`);
    props.afterTerraform?.();
  };
  const tearDownCompose = async () => {
    if (existsSync(props.composeFile)) await execa("docker-compose", ["-p", props.composeEnv, "-f", props.composeFile, "down", "-v", "--remove-orphans"], { cwd: props.composeDir, reject: false });
    const left = await removeEnvironment(props.composeEnv);
    if (left.length) props.notes.push(`docker-compose down -v left ${left.join(", ")} (removed)`);
  };
  const unregister = registerCleanup(async () => { await tearDownTerraform(); await tearDownCompose(); });
  return { tearDownTerraform, tearDownCompose, unregister };
}
