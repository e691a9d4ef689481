import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/*
 * Folders of environment files for ENVIRONMENTS_DIR (main.ts honours it): variants of the shipped
 * environments that the benchmark may plan and deploy without touching theirs (their state, their
 * containers, their volumes). Each file imports the shipped one and overrides a few fields.
 */

export const PROJECT_ROOT = join(__dirname, "..", "..");

export interface EnvironmentVariant {
  /** The new environment's (and stack's) name. */
  readonly name: string;
  /** The shipped environment it is based on (a file name in environments/ without .ts). */
  readonly base: string;
  /** TypeScript object literal entries that override the base's fields; `base` is in scope. */
  readonly overrides: string;
}

export function environmentsDir(variants: readonly EnvironmentVariant[], prefix = "bench-envs-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const v of variants) writeEnvironment(dir, v);
  return dir;
}

/** Writes (or rewrites) one variant's file in an environments folder. */
export function writeEnvironment(dir: string, v: EnvironmentVariant): void {
  writeFileSync(join(dir, `${v.name}.ts`), [
    `// Written by bench/lib/environments.ts: ${v.base} for the benchmark.`,
    `import base from ${JSON.stringify(join(PROJECT_ROOT, "environments", v.base))};`,
    `export default { ...base, ${v.overrides} };`,
    "",
  ].join("\n"));
}

/** The shipped environments' names. */
export function shippedEnvironments(): string[] {
  return readdirSync(join(PROJECT_ROOT, "environments")).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")).map((f) => f.slice(0, -3)).sort();
}

/** A local Terraform state file in `stateDir` instead of the environment's own (remote or the project's). */
export const localState = (stateDir: string, name: string) => `state: { backend: "local", path: ${JSON.stringify(join(stateDir, `${name}.tfstate`))} }`;

/**
 * `local` under another name and ports, deletable (`protect: false`: volumes are resources) and with
 * its state in `stateDir`: deploying and destroying it leaves `local` alone. `serviceEnv` sets the
 * app's `service.env` (the release benchmark's APP_VERSION).
 */
export function dockerBenchVariant(name: string, httpPort: number, stateDir: string, serviceEnv?: Record<string, string>): EnvironmentVariant {
  return {
    name, base: "local",
    overrides: `host: { ...base.host, httpPort: ${httpPort} }, protect: false, ${localState(stateDir, name)}`
      + (serviceEnv ? `, service: { ...base.service, env: { ...(base.service as { env?: Record<string, string> }).env, ...${JSON.stringify(serviceEnv)} } }` : ""),
  };
}

/**
 * Dummy credentials that let the hcloud, s3 and google providers plan offline (as the plan tests
 * do): nothing is read from the providers' APIs when the state is empty.
 */
export const DUMMY_CREDENTIALS: Record<string, string> = {
  HCLOUD_TOKEN: "0123456789abcdef".repeat(4),
  // The Cloud API on a closed port of this machine: with a dummy token nothing may call Hetzner's (the
  // provider makes no call for a plan from nothing; the plan's cost estimate falls back to the price table).
  HCLOUD_ENDPOINT: "http://127.0.0.1:9/v1",
  TF_VAR_object_storage_access_key: "dummy-access-key",
  TF_VAR_object_storage_secret_key: "dummy-secret-key",
  GOOGLE_OAUTH_ACCESS_TOKEN: "dummy-access-token",
  // the backups' keys the shipped Hetzner files name (read by their containers' stacks)
  HETZNER_STAGING_BACKUP_KEY: "dummy-backup-key-of-24-characters-or-more",
  HETZNER_PROD_BACKUP_KEY: "dummy-backup-key-of-24-characters-or-more",
};
