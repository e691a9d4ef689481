import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** The project root (this file is scripts/lib/paths.ts). */
export const PROJECT_ROOT = resolve(__dirname, "..", "..");

/** Build caches live outside the repo so clean clones and CI reuse them. */
export const CACHE_DIR = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "portable-backend");

/** Project-local filesystem mirror that terraform installs providers from (hardlinks into the cache). */
export const MIRROR_DIR = join(PROJECT_ROOT, ".terraform-providers", "mirror");

/** Where `npm run providers` puts an engine it had to build, and the terraform name cdktf finds via npx. */
export const LOCAL_BIN_DIR = join(PROJECT_ROOT, "node_modules", ".bin");

/** Terraform's CLI configuration: the file terraform itself reads. */
export function cliConfigPath(): string {
  return process.env.TF_CLI_CONFIG_FILE || join(homedir(), ".terraformrc");
}

/** Registry hosts the mirror is laid out under: Terraform's, and OpenTofu's when the engine is tofu. */
export const REGISTRY_HOSTS = ["registry.terraform.io", "registry.opentofu.org"] as const;

export function platform(): string {
  const arch = { x64: "amd64", arm64: "arm64" }[process.arch as string] ?? process.arch;
  return `${process.platform}_${arch}`;
}
