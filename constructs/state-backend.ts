import { GcsBackend, LocalBackend, S3Backend, TerraformBackend, TerraformStack } from "cdktf";
import { Environment, gcsStatePrefix, localStatePath, s3StateKey } from "../lib/environment";
import { hetznerObjectStorageEndpoint } from "../lib/residency/hetzner";
import { DECLARED_LOCATION } from "./residency-aspect";

/**
 * Where a stack keeps its Terraform state. The state holds every generated secret, so remote state
 * lives in an EU bucket with locking; the residency aspect judges its location like any resource.
 */
export function stateBackend(stack: TerraformStack, env: Environment): TerraformBackend {
  const state = env.state;
  switch (state.backend) {
    case "local":
      return new LocalBackend(stack, { path: localStatePath(env, state.path) });
    case "s3": {
      // Hetzner Object Storage speaks S3 but is not AWS: skip the AWS-only checks, use path-style
      // addressing, and lock with a lock file in the bucket (no DynamoDB).
      const backend = new S3Backend(stack, {
        bucket: state.bucket,
        key: s3StateKey(env, state.key),
        region: state.location,
        endpoints: { s3: hetznerObjectStorageEndpoint(state.location) },
        usePathStyle: true,
        skipCredentialsValidation: true,
        skipRegionValidation: true,
        skipRequestingAccountId: true,
        skipMetadataApiCheck: true,
      });
      backend.addOverride("use_lockfile", true);
      backend.addOverride("skip_s3_checksum", true);
      return backend;
    }
    case "gcs": {
      const backend = new GcsBackend(stack, { bucket: state.bucket, prefix: gcsStatePrefix(env, state.prefix) });
      // The gcs backend has no location attribute; declare the bucket's so the policy judges it.
      backend.node.addMetadata(DECLARED_LOCATION, state.location);
      return backend;
    }
  }
}
