import { Construct } from "constructs";
import { Aspects, TerraformOutput } from "cdktf";
import { ArtifactRegistryRepository } from "@cdktf/provider-google/lib/artifact-registry-repository";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { StorageBucket } from "@cdktf/provider-google/lib/storage-bucket";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { bootstrapStackName, GcpEnvironment } from "../../lib/environment";
import { appRepository } from "../../lib/environment/gcp-images";
import { EnvironmentStack } from "../environment-stack";
import { GcpCiIdentity } from "./ci-identity";
import { gcpProviders } from "./index";
import { runtimeAccount } from "./names";
import { ProjectApis, WaitForApis } from "./services";

/** How many older versions of each state file the state bucket keeps (a state written by mistake can be restored). */
const STATE_VERSIONS = 20;

export interface GcpBootstrapOptions {
  /**
   * Keep this stack's own state in a local file (terraform.<env>-bootstrap.tfstate): its first apply,
   * which creates the state bucket; `npm run bootstrap -- <env> --first` then moves it into the bucket.
   * @default false (the state where the environment file says, beside the backend's)
   */
  readonly localState?: boolean;
  /**
   * Create the GCS state bucket the file names. Where several environments name one bucket, only the
   * first of them by name creates it (stateBucketCreators); the others' CI identities are granted on it.
   * @default true
   */
  readonly createStateBucket?: boolean;
}

/**
 * What must exist before a Google Cloud environment's backend stack, applied once by a person with
 * owner rights (`npm run bootstrap -- <env>`, README "First deploy to a new Google Cloud project"):
 *   - the APIs, each resource here waiting for its own (WaitForApis), so the backend's first apply
 *     never meets an API still being switched on;
 *   - the state bucket (versioned, never public, never destroyed by Terraform);
 *   - the Artifact Registry repository the app's images are pushed to, in the environment's region,
 *     with immutable tags (a released tag always means the same image);
 *   - the service's runtime identity, and the CI identities with their rights (ci-identity.ts).
 * Kept out of the backend's stack so that a deploy, run by the CI deploy identity, never changes or
 * destroys the access it runs with, and that identity needs no right to grant project roles.
 */
export class GcpBootstrapStack extends EnvironmentStack {
  readonly repository: ArtifactRegistryRepository;

  constructor(scope: Construct, env: GcpEnvironment, options: GcpBootstrapOptions = {}) {
    super(scope, env, bootstrapStackName(env), "bootstrap", { localState: options.localState });
    gcpProviders(this, env);
    new RandomProvider(this, "random");
    new ProjectApis(this, "apis");
    Aspects.of(this).add(new WaitForApis());

    const stateBucket = env.state.backend === "gcs" && (options.createStateBucket ?? true)
      ? new StorageBucket(this, "state-bucket", {
        name: env.state.bucket,
        location: env.state.location,
        uniformBucketLevelAccess: true,
        publicAccessPrevention: "enforced",
        versioning: { enabled: true },
        lifecycleRule: [{ action: { type: "Delete" }, condition: { numNewerVersions: STATE_VERSIONS, withState: "ARCHIVED" } }],
        labels: { environment: env.name, purpose: "terraform-state" },
        // Every environment's state (and the secrets in it): deleting it takes a person and the console.
        lifecycle: { preventDestroy: true },
      })
      : undefined;

    const { repositoryId } = appRepository(env);
    this.repository = new ArtifactRegistryRepository(this, "images", {
      repositoryId,
      location: env.location,
      format: "DOCKER",
      description: `${env.name}: the app's images`,
      dockerConfig: { immutableTags: true },
      labels: { environment: env.name },
    });

    const runtime = runtimeAccount(env);
    const runtimeIdentity = new ServiceAccount(this, "runtime", { accountId: runtime.accountId, displayName: `${env.name} service (Cloud Run)` });

    if (env.ci) {
      new GcpCiIdentity(this, "ci", env, env.ci, {
        repository: this.repository, runtimeAccount: runtimeIdentity, stateBucket: stateBucket?.name ?? (env.state.backend === "gcs" ? env.state.bucket : undefined),
      });
    }

    new TerraformOutput(this, "image_repository", {
      value: `${env.location}-docker.pkg.dev/${env.project}/${this.repository.repositoryId}`,
      description: "Push the app's images here (docker push <this>/<image>:<tag>); service.image names one of them",
    });
    new TerraformOutput(this, "runtime_service_account", { value: runtimeIdentity.email, description: "The identity the service, workers and release job run as" });
    if (stateBucket) new TerraformOutput(this, "state_bucket", { value: stateBucket.name });
  }
}
