import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { ENVIRONMENT_LABEL } from "../../constructs/docker/names";
import { imageRuntime, localImages } from "../../images/catalog";
import { ROOT } from "./helpers";

/** Helpers for tests that deploy to the real Docker Engine. A missing engine fails them. */

export function docker(args: string[]): string {
  return execa.sync("docker", args).stdout.trim();
}

export function requireDocker(): void {
  const info = execa.sync("docker", ["info", "--format", "{{.ServerVersion}}"], { reject: false });
  if (info.exitCode !== 0) throw new Error(`No Docker Engine answers (run scripts/docker-engine.sh): ${info.stderr}`);
}

/** Runs the cdktf CLI the way a person does, from the project root. */
export function cdktf(args: string[], env: Record<string, string> = {}): execa.ExecaSyncReturnValue {
  return execa.sync("npx", ["cdktf", ...args], {
    cwd: ROOT, reject: false, env: { CHECKPOINT_DISABLE: "1", FORCE_COLOR: "0", ...env }, timeout: 600_000,
  });
}

/** `npm run <script> -- <args>` from the project root; `env` is added to this process's environment. */
export function npmRun(script: string, args: string[], env: Record<string, string> = {}): execa.ExecaSyncReturnValue {
  return execa.sync("npm", ["run", "--silent", script, "--", ...args], { cwd: ROOT, reject: false, env });
}

/** Containers of an environment, by the label every one of them carries. */
export function containersOf(env: string, all = false): string[] {
  const out = docker(["ps", ...(all ? ["-a"] : []), "--filter", `label=${ENVIRONMENT_LABEL}=${env}`, "--format", "{{.Names}}"]);
  return out ? out.split("\n").sort() : [];
}

/**
 * Removes an environment's containers and networks left by another checkout of this project (its
 * state is elsewhere, so this checkout's Terraform would collide with them). Data volumes stay.
 */
export function removeLeftovers(env: string): void {
  const ids = docker(["ps", "-aq", "--filter", `label=${ENVIRONMENT_LABEL}=${env}`]);
  if (ids) docker(["rm", "-f", ...ids.split("\n")]);
  const nets = docker(["network", "ls", "-q", "--filter", `label=${ENVIRONMENT_LABEL}=${env}`]);
  if (nets) docker(["network", "rm", ...nets.split("\n")]);
}

export function psql(container: string, sql: string): string {
  return docker(["exec", container, "psql", "-U", "app", "-d", "app", "-v", "ON_ERROR_STOP=1", "-tAc", sql]);
}

/**
 * A folder with one environment file named `name`, based on a shipped one with some fields changed:
 * how a test deploys a variant (another image, another name) without editing environments/.
 */
export function environmentVariant(name: string, base: string, overrides: string): string {
  const dir = mkdtempSync(join(tmpdir(), "envs-"));
  writeFileSync(join(dir, `${name}.ts`), [
    `import base from ${JSON.stringify(join(ROOT, "environments", base))};`,
    `export default { ...base, ${overrides} };`,
  ].join("\n"));
  return dir;
}

export async function getJson(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

/**
 * The start of a Docker environment file on this machine's engine (ports on 127.0.0.1) running the example app
 * (images/example-app: one replica, its Alembic migration as the release command) on the project's images.
 */
export function exampleAppOnLocalEngine(httpPort: number) {
  return {
    provider: "docker", residency: "eu", location: "de",
    host: { url: "unix:///var/run/docker.sock", bindAddress: "127.0.0.1", httpPort },
    service: {
      image: localImages.exampleApp, replicas: 1, port: imageRuntime.exampleApp.port, healthPath: imageRuntime.exampleApp.healthPath,
      command: [...imageRuntime.exampleApp.command], release: { command: [...imageRuntime.exampleApp.release] },
    },
    images: { postgres: localImages.postgres, objectStore: localImages.objectstore, proxy: localImages.proxy, backup: localImages.backup },
  };
}
