import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { Environment, hostBackups, StatePart } from "../../lib/environment";

/*
 * Which credentials a stack needs before terraform can read its state and its real resources.
 * A stack whose credentials are missing is reported "not checked" — never planned against nothing,
 * and never counted as clean. The names are the ones Terraform, its providers and backends read
 * (see .env.example).
 */

type ProcessEnv = Record<string, string | undefined>;

/** One need, satisfied by any of `anyOf`. */
interface Need {
  readonly what: string;
  readonly anyOf: readonly string[];
  /** Files any one of which satisfies the need on its own (a socket, a well-known credentials file); relative to HOME. */
  readonly files?: readonly string[];
}

const HETZNER_API: Need = { what: "Hetzner Cloud API token", anyOf: ["HCLOUD_TOKEN"] };
const S3_STATE: Need[] = [
  { what: "Object Storage access key for the S3 state", anyOf: ["AWS_ACCESS_KEY_ID"] },
  { what: "Object Storage secret key for the S3 state", anyOf: ["AWS_SECRET_ACCESS_KEY"] },
];
const HETZNER_BUCKETS: Need[] = [
  { what: "Object Storage access key for the buckets", anyOf: ["TF_VAR_object_storage_access_key"] },
  { what: "Object Storage secret key for the buckets", anyOf: ["TF_VAR_object_storage_secret_key"] },
];
// The google provider and the gcs backend accept any of these; google-github-actions/auth sets
// GOOGLE_APPLICATION_CREDENTIALS. `gcloud auth application-default login` writes the well-known file.
const GOOGLE: Need = {
  what: "Google Cloud credentials",
  anyOf: ["GOOGLE_CREDENTIALS", "GOOGLE_APPLICATION_CREDENTIALS", "GOOGLE_OAUTH_ACCESS_TOKEN", "GOOGLE_CLOUD_KEYFILE_JSON", "GCLOUD_KEYFILE_JSON"],
  files: [join(".config", "gcloud", "application_default_credentials.json")],
};
// A Docker Engine over ssh: the docker provider runs the system's `ssh`, which takes an agent's keys,
// a default key file or one named in ~/.ssh/config. Without any of them it can only fail.
const sshIdentity = (engines: string): Need => ({
  what: `an ssh identity for ${engines} (an agent, a key in ~/.ssh or ~/.ssh/config)`,
  anyOf: ["SSH_AUTH_SOCK"],
  files: ["id_ed25519", "id_ecdsa", "id_rsa", "config"].map((name) => join(".ssh", name)),
});

/** `part`: which of the environment's stacks (Hetzner's: the machines', "main", or the containers', "apps"). */
function needsOf(env: Environment, part: StatePart): Need[] {
  const needs: Need[] = [];
  // Both Hetzner stacks take the Object Storage keys; the machines' talk to the API, the containers' to the servers over ssh.
  if (env.provider === "hetzner") needs.push(...HETZNER_BUCKETS, part === "main" ? HETZNER_API : sshIdentity(`the Docker Engines of ${env.name}'s servers`));
  if (env.provider === "gcp") needs.push(GOOGLE);
  if (env.provider === "docker" && env.host.url.startsWith("unix://")) {
    const socket = env.host.url.slice("unix://".length);
    needs.push({ what: `a Docker Engine at ${env.host.url}`, anyOf: [], files: [socket] });
  }
  if (env.provider === "docker" && env.host.url.startsWith("ssh://")) needs.push(sshIdentity(`the Docker Engine at ${env.host.url}`));
  // Hetzner's records are its machines' stack's.
  if (env.dns?.provider === "hetzner" && !(env.provider === "hetzner" && part === "apps")) needs.push(HETZNER_API);
  if (env.dns?.provider === "gcp") needs.push(GOOGLE);
  if (env.state.backend === "hetzner-object-storage" || env.state.backend === "s3") needs.push(...S3_STATE);
  if (env.state.backend === "gcs") needs.push(GOOGLE);
  // The app's secrets are read at plan time (constructs/deployer-secrets.ts), by the stack the app is in.
  const hasApp = env.provider !== "hetzner" || part === "apps";
  for (const [name, ref] of Object.entries(env.service.secrets)) if (hasApp) needs.push({ what: `the app's secret ${name}`, anyOf: [ref.env] });
  // So are the backups' (the sidecar is beside the app).
  const backups = hostBackups(env);
  const offsite = backups?.offsite;
  if (hasApp && backups?.encryptionKey) needs.push({ what: "the backups' encryption key", anyOf: [backups.encryptionKey.env] });
  if (hasApp && offsite) needs.push({ what: "the off-site store's access key", anyOf: [offsite.accessKeyId.env] }, { what: "the off-site store's secret key", anyOf: [offsite.secretAccessKey.env] });
  return [...new Set(needs)];
}

/** What is missing for `env`'s stack `part`, as readable phrases; empty when terraform can go ahead. Relative files are looked for under HOME. */
export function missingCredentials(env: Environment, processEnv: ProcessEnv = process.env, part: StatePart = "main"): string[] {
  const home = processEnv.HOME || homedir();
  return needsOf(env, part)
    .filter((need) => !need.anyOf.some((name) => processEnv[name]) && !need.files?.some((file) => existsSync(resolve(home, file))))
    .map((need) => (need.anyOf.length ? `${need.what} (${need.anyOf.join(" or ")})` : need.what));
}
