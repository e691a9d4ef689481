/**
 * Backups of a Docker environment, on demand, through its backup sidecar:
 *   npm run backup  -- <env> [--list]         dump the database into the backup bucket now (or list dumps)
 *   npm run restore -- <env> [--from <key>]   restore the newest dump, or the one named
 * Works against the environment's own engine (local socket or ssh://), like Terraform does.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import execa from "execa";
import { dockerNames } from "../constructs/docker/names";
import { DockerEnvironment, loadEnvironments } from "../lib/environment";
import { PROJECT_ROOT } from "./lib/paths";

async function main(): Promise<void> {
  const restore = process.argv[2] === "restore";
  const { values, positionals } = parseArgs({
    args: process.argv.slice(3),
    allowPositionals: true,
    options: { from: { type: "string" }, list: { type: "boolean" } },
  });
  const usage = restore ? "npm run restore -- <env> [--from <object-key>]" : "npm run backup -- <env> [--list]";
  if (positionals.length !== 1) throw new Error(`usage: ${usage}`);
  const env = dockerEnvironment(positionals[0]);

  const command = restore ? ["restore", ...(values.from ? [values.from] : [])] : [values.list ? "list" : "now"];
  const container = dockerNames(env).backup;
  const result = await execa("docker", ["--host", env.host.url, "exec", container, "backup", ...command], { stdio: "inherit", reject: false });
  if (result.exitCode !== 0) {
    throw new Error(`backup ${command.join(" ")} failed in ${container} (exit ${result.exitCode}); is the environment deployed? (npx cdktf deploy ${env.name})`);
  }
}

function dockerEnvironment(name: string): DockerEnvironment {
  const environments = loadEnvironments(process.env.ENVIRONMENTS_DIR ?? join(PROJECT_ROOT, "environments"));
  const env = environments.find((e) => e.name === name);
  if (!env) throw new Error(`no environment "${name}"; there are: ${environments.map((e) => e.name).join(", ")}`);
  if (env.provider !== "docker") {
    throw new Error(`${env.file}: on ${env.provider} backups run on the provider's side (see README "Backups"); this command is for Docker environments`);
  }
  return env;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
