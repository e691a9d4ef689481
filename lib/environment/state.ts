import { resolve } from "node:path";
import { Environment } from "./schema";

/*
 * Where a stack's state is, with the defaults an environment file may leave out. One place for them:
 * the backend uses them, and loading checks that no two stacks share a state.
 *
 * An environment is one stack, or (Hetzner) a stack of machines and one of the containers on them
 * (`stacksOf`): the machines' stack keeps the environment's state as the file says, the containers'
 * one beside it, its name with "-apps" (terraform-apps.tfstate next to terraform.tfstate).
 */

/**
 * Which state of an environment: its own, the containers' one of an environment with two stacks, or
 * (Google Cloud) its bootstrap's: what must exist before the backend's stack (bootstrapStackName).
 */
export type StatePart = "main" | "apps" | "bootstrap";

const withPart = (name: string, part: StatePart) => (part === "main" ? name : name.replace(/(\.tfstate)?$/, `-${part}$1`));

/** The local state file: like cdktf's default, terraform.<stack>.tfstate in the project root (never in cdktf.out). */
export const localStatePath = (env: Environment, path?: string, part: StatePart = "main") => resolve(withPart(path ?? `terraform.${env.name}.tfstate`, part));
export const s3StateKey = (env: Environment, key?: string, part: StatePart = "main") => withPart(key ?? `${env.name}/terraform.tfstate`, part);
export const gcsStatePrefix = (env: Environment, prefix?: string, part: StatePart = "main") => withPart(prefix ?? env.name, part);

/** The state's address, the same for two stacks exactly when they would read and write one state. */
export function stateAddress(env: Environment, part: StatePart = "main"): string {
  const state = env.state;
  switch (state.backend) {
    case "local":
      return localStatePath(env, state.path, part);
    case "hetzner-object-storage":
    case "s3":
      return `s3://${state.bucket}/${s3StateKey(env, state.key, part)}`;
    case "gcs":
      return `gs://${state.bucket}/${gcsStatePrefix(env, state.prefix, part)}`;
  }
}

/** The stacks an environment is deployed as, in the order they are deployed, with the state each keeps. */
export function stacksOf(env: Pick<Environment, "name" | "provider">): { readonly name: string; readonly part: StatePart }[] {
  return env.provider === "hetzner"
    ? [{ name: env.name, part: "main" }, { name: `${env.name}-apps`, part: "apps" }]
    : [{ name: env.name, part: "main" }];
}

/**
 * The stack a person applies once before an environment's first deploy (npm run bootstrap): Google
 * Cloud's APIs, state bucket, image repository and CI identities. Not among stacksOf, which is what CI
 * plans and deploys: a deploy must never change the access it runs with.
 */
export const bootstrapStackName = (env: Pick<Environment, "name">) => `${env.name}-bootstrap`;

/**
 * Which environment's bootstrap creates each GCS state bucket: the first (by name) of those naming it.
 * The others keep their state in it too, and only grant their CI identities access.
 */
export function stateBucketCreators(environments: readonly Environment[]): Map<string, string> {
  const creators = new Map<string, string>();
  for (const env of [...environments].sort((a, b) => a.name.localeCompare(b.name))) {
    if (env.state.backend === "gcs" && !creators.has(env.state.bucket)) creators.set(env.state.bucket, env.name);
  }
  return creators;
}
