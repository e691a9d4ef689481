import { Testing } from "cdktf";
import { DataGoogleStorageTransferProjectServiceAccount } from "@cdktf/provider-google/lib/data-google-storage-transfer-project-service-account";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { PubsubTopic } from "@cdktf/provider-google/lib/pubsub-topic";
import { StorageBucket } from "@cdktf/provider-google/lib/storage-bucket";
import { GcpBootstrapStack } from "../../constructs/gcp/bootstrap-stack";
import { GcpEnvironment } from "../../lib/environment";
import { shippedEnvironment } from "../support/shipped-environments";

// Every Google resource of the bootstrap, which enables the APIs, waits for the API it is made through (constructs/gcp/services.ts, WaitForApis);
// the order terraform derives from it is checked on the real graph in the gcp plan test.
const env = shippedEnvironment("gcp-prod") as GcpEnvironment;
const synth = (stack: GcpBootstrapStack) => JSON.parse(Testing.synth(stack));
const serviceOf = (json: any, dependsOn: string[]) =>
  dependsOn.filter((d) => d.startsWith("google_project_service.")).map((d) => json.resource.google_project_service[d.split(".")[1]].service);

test("a resource added in code waits for its API too", () => {
  const stack = new GcpBootstrapStack(Testing.app(), env);
  new StorageBucket(stack, "exports", { name: "acme-exports", location: "EU" });
  const json = synth(stack);
  expect(serviceOf(json, json.resource.google_storage_bucket.exports.depends_on)).toEqual(["storage.googleapis.com"]);
});

test("a data source waits for its API (reading it calls the API); google_storage_transfer_* is storagetransfer's, not storage's", () => {
  const stack = new GcpBootstrapStack(Testing.app(), env);
  new DataGoogleStorageTransferProjectServiceAccount(stack, "transfer-agent", {});
  const json = synth(stack);
  expect(serviceOf(json, json.data.google_storage_transfer_project_service_account["transfer-agent"].depends_on)).toEqual(["storagetransfer.googleapis.com"]);
});

test("a resource type with no known API fails synth, naming it and where to add it", () => {
  const stack = new GcpBootstrapStack(Testing.app(), env);
  new PubsubTopic(stack, "events", { name: "events" });
  expect(() => synth(stack)).toThrow("gcp-prod-bootstrap/events: no Google API is known for google_pubsub_topic; add the API it is made through to API_OF_TYPE in constructs/gcp/services.ts");
});

test("project IAM waits for Cloud Resource Manager, which the stack enables even without the CI identities", () => {
  const stack = new GcpBootstrapStack(Testing.app(), { ...env, ci: undefined } as GcpEnvironment);
  new ProjectIamMember(stack, "grant", { project: env.project, role: "roles/viewer", member: "user:ops@example.com" });
  const json = synth(stack);
  expect(serviceOf(json, json.resource.google_project_iam_member.grant.depends_on)).toEqual(["cloudresourcemanager.googleapis.com"]);
});
