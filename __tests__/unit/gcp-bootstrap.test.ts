import { Testing } from "cdktf";
import { ArtifactRegistryRepository } from "@cdktf/provider-google/lib/artifact-registry-repository";
import { StorageBucket } from "@cdktf/provider-google/lib/storage-bucket";
import { BackendStack, bootstrapStack } from "../../constructs/backend-stack";
import { GcpBootstrapStack } from "../../constructs/gcp/bootstrap-stack";
import { EnvironmentError, GcpEnvironment, stacksOf, stateBucketCreators, validateEnvironment } from "../../lib/environment";
import gcpProdFile from "../../environments/gcp-prod";
import { shippedEnvironment, shippedEnvironments } from "../support/shipped-environments";
import { onlyResource, resourcesOf } from "../support/synthesized";

// A Google Cloud environment's bootstrap (constructs/gcp/bootstrap-stack.ts, npm run bootstrap): what must exist
// before the backend's stack, applied by a person, never among the stacks CI plans and deploys.
const prod = shippedEnvironment("gcp-prod") as GcpEnvironment;
const synth = (env: GcpEnvironment, options = {}) => Testing.synth(new GcpBootstrapStack(Testing.app(), env, options));

test("it is not among the stacks CI runs (stacksOf); Docker and Hetzner environments have none", () => {
  expect(stacksOf(prod).map((s) => s.name)).toEqual(["gcp-prod"]);
  const all = shippedEnvironments();
  for (const env of all.filter((e) => e.provider !== "gcp")) expect(bootstrapStack(Testing.app(), env, stateBucketCreators(all))).toBeUndefined();
  expect(bootstrapStack(Testing.app(), prod, stateBucketCreators(all))?.node.id).toBe("gcp-prod-bootstrap");
});

describe("the state bucket", () => {
  test("versioned, never public, old versions kept (20 per state file), and Terraform may never destroy it", () => {
    const json = synth(prod);
    expect(json).toHaveResourceWithProperties(StorageBucket, {
      name: "acme-prod-tfstate", location: "europe-west3", uniform_bucket_level_access: true, public_access_prevention: "enforced",
      versioning: { enabled: true }, lifecycle: { prevent_destroy: true },
      lifecycle_rule: [{ action: { type: "Delete" }, condition: { num_newer_versions: 20, with_state: "ARCHIVED" } }],
    });
  });

  test("the bootstrap keeps its own state beside the environment's, or (its first apply) in a local file", () => {
    expect(JSON.parse(synth(prod)).terraform.backend).toEqual({ gcs: { bucket: "acme-prod-tfstate", prefix: "gcp-prod-bootstrap" } });
    expect(JSON.parse(synth(prod, { localState: true })).terraform.backend.local.path).toMatch(/\/terraform\.gcp-prod-bootstrap\.tfstate$/);
  });

  test("several environments naming one bucket: the first by name creates it, the others only grant their CI identities on it", () => {
    const shared = { ...(shippedEnvironment("gcp-staging") as GcpEnvironment), state: { ...prod.state, prefix: "gcp-staging" } } as GcpEnvironment;
    const all = [prod, shared];
    const buckets = (env: GcpEnvironment) => resourcesOf(Testing.synth(bootstrapStack(Testing.app(), env, stateBucketCreators(all))!), "google_storage_bucket");
    expect(buckets(prod)).toHaveLength(1);
    expect(buckets(shared)).toEqual([]);
    const grants = resourcesOf(Testing.synth(bootstrapStack(Testing.app(), shared, stateBucketCreators(all))!), "google_storage_bucket_iam_member").map(([, m]) => [m.bucket, m.role]);
    expect(grants).toEqual(expect.arrayContaining([["acme-prod-tfstate", "roles/storage.objectViewer"], ["acme-prod-tfstate", "roles/storage.objectAdmin"]]));
  });
});

describe("the image repository", () => {
  test("in the environment's region, Docker, tags immutable; named after service.image's repository when that is in the project", () => {
    expect(synth(prod)).toHaveResourceWithProperties(ArtifactRegistryRepository, {
      repository_id: "apps", location: "europe-west3", format: "DOCKER", docker_config: { immutable_tags: true },
    });
    const own = { ...prod, service: { ...prod.service, image: "europe-west3-docker.pkg.dev/acme-prod-4711/backend/api:2.0.0" } } as GcpEnvironment;
    expect(onlyResource(synth(own), "google_artifact_registry_repository")[1].repository_id).toBe("backend");
    const elsewhere = { ...prod, service: { ...prod.service, image: "ghcr.io/acme/api:2.0.0" } } as GcpEnvironment;
    expect(onlyResource(synth(elsewhere), "google_artifact_registry_repository")[1].repository_id).toBe("apps");
  });

  test("an image of the project's registry in another region is refused at load, naming the field and what to write", () => {
    const image = "us-central1-docker.pkg.dev/acme-prod-4711/apps/api:1.4.2";
    expect(() => validateEnvironment({ ...gcpProdFile, service: { ...gcpProdFile.service, image } }, "environments/gcp-prod.ts")).toThrow(EnvironmentError);
    expect(() => validateEnvironment({ ...gcpProdFile, service: { ...gcpProdFile.service, image } }, "environments/gcp-prod.ts"))
      .toThrow(`service.image: "${image}" — an image of this project's Artifact Registry in europe-west3, where the bootstrap creates the repository: europe-west3-docker.pkg.dev/acme-prod-4711/apps/…`);
  });

  test("the outputs say where to push, and which identity the service runs as", () => {
    const json = JSON.parse(synth(prod));
    expect(json.output.image_repository.value).toBe("europe-west3-docker.pkg.dev/acme-prod-4711/${google_artifact_registry_repository.images.repository_id}");
    expect(json.output.runtime_service_account.value).toBe("${google_service_account.runtime.email}");
    expect(Object.keys(json.output)).toEqual(expect.arrayContaining(["workload_identity_provider", "plan_service_account", "deploy_service_account", "state_bucket"]));
  });
});

test("the runtime identity the backend's stack names by address is the one the bootstrap creates", () => {
  expect(resourcesOf(synth(prod), "google_service_account").find(([id]) => id === "runtime")?.[1]).toMatchObject({ account_id: "gcp-prod-run" });
  const main = Testing.synth(new BackendStack(Testing.app(), prod));
  expect(onlyResource(main, "google_cloud_run_v2_service")[1].template.service_account).toBe("gcp-prod-run@acme-prod-4711.iam.gserviceaccount.com");
});
