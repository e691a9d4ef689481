import { Construct } from "constructs";
import {
  DataTerraformRemoteState, DataTerraformRemoteStateGcs, DataTerraformRemoteStateLocal, DataTerraformRemoteStateS3,
  GcsBackend, LocalBackend, S3Backend, TerraformBackend, TerraformStack,
} from "cdktf";
import { Environment, gcsStatePrefix, localStatePath, s3StateKey, StatePart } from "../lib/environment";
import { hetznerObjectStorageEndpoint } from "../lib/residency/hetzner";
import { DECLARED_LOCATION } from "./residency-aspect";

/**
 * Where a stack keeps its Terraform state (`part`: see stacksOf in lib/environment/state.ts). The state holds every generated secret, so remote state
 * lives in an EU bucket with locking; the residency aspect judges its location like any resource.
 */
export function stateBackend(stack: TerraformStack, env: Environment, part: StatePart = "main", local = false): TerraformBackend {
  const state = env.state;
  // Where the file names no path, the default one (terraform.<stack>.tfstate in the project root).
  if (local && state.backend !== "local") return new LocalBackend(stack, { path: localStatePath(env, undefined, part) });
  switch (state.backend) {
    case "local":
      return new LocalBackend(stack, localConfig(env, part));
    case "hetzner-object-storage":
    case "s3": {
      const backend = new S3Backend(stack, s3Config(env, part));
      backend.addOverride("use_lockfile", true);
      backend.addOverride("skip_s3_checksum", true);
      return backend;
    }
    case "gcs": {
      const backend = new GcsBackend(stack, gcsConfig(env, part));
      // The gcs backend has no location attribute; declare the bucket's so the policy judges it.
      backend.node.addMetadata(DECLARED_LOCATION, state.location);
      return backend;
    }
  }
}

/**
 * The outputs of another stack of the environment (`part`), read from its state where stateBackend
 * keeps it: how Hetzner's containers' stack learns its servers' addresses and host keys.
 */
export function remoteState(scope: Construct, id: string, env: Environment, part: StatePart): DataTerraformRemoteState {
  switch (env.state.backend) {
    case "local":
      return new DataTerraformRemoteStateLocal(scope, id, localConfig(env, part));
    case "hetzner-object-storage":
    case "s3":
      return new DataTerraformRemoteStateS3(scope, id, s3Config(env, part));
    case "gcs":
      return new DataTerraformRemoteStateGcs(scope, id, gcsConfig(env, part));
  }
}

const localConfig = (env: Environment, part: StatePart) => {
  if (env.state.backend !== "local") throw new Error("not a local state");
  return { path: localStatePath(env, env.state.path, part) };
};

// Hetzner Object Storage speaks S3 but is not AWS: skip the AWS-only checks, use path-style addressing,
// and lock with a lock file in the bucket (no DynamoDB).
const s3Config = (env: Environment, part: StatePart) => {
  if (env.state.backend !== "hetzner-object-storage" && env.state.backend !== "s3") throw new Error("not an Object Storage state");
  const state = env.state;
  return {
    bucket: state.bucket,
    key: s3StateKey(env, state.key, part),
    region: state.location,
    endpoints: { s3: hetznerObjectStorageEndpoint(state.location) },
    usePathStyle: true,
    skipCredentialsValidation: true,
    skipRegionValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: true,
  };
};

const gcsConfig = (env: Environment, part: StatePart) => {
  if (env.state.backend !== "gcs") throw new Error("not a gcs state");
  return { bucket: env.state.bucket, prefix: gcsStatePrefix(env, env.state.prefix, part) };
};
