import { resolve } from "node:path";
import { Environment } from "./schema";

/*
 * Where a stack's state is, with the defaults an environment file may leave out. One place for them:
 * the backend uses them, and loading checks that no two stacks share a state.
 */

/** The local state file: like cdktf's default, terraform.<stack>.tfstate in the project root (never in cdktf.out). */
export const localStatePath = (env: Environment, path?: string) => resolve(path ?? `terraform.${env.name}.tfstate`);
export const s3StateKey = (env: Environment, key?: string) => key ?? `${env.name}/terraform.tfstate`;
export const gcsStatePrefix = (env: Environment, prefix?: string) => prefix ?? env.name;

/** The state's address, the same for two stacks exactly when they would read and write one state. */
export function stateAddress(env: Environment): string {
  const state = env.state;
  switch (state.backend) {
    case "local":
      return localStatePath(env, state.path);
    case "s3":
      return `s3://${state.bucket}/${s3StateKey(env, state.key)}`;
    case "gcs":
      return `gs://${state.bucket}/${gcsStatePrefix(env, state.prefix)}`;
  }
}
