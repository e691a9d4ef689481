import { StorageBucket } from "@cdktf/provider-google/lib/storage-bucket";
import { StorageTransferJob } from "@cdktf/provider-google/lib/storage-transfer-job";
import { GcpDataBucket } from "../../../constructs/gcp/bucket";
import { GcpBucketCopy, GcpBucketCopyProps } from "../../../constructs/gcp/bucket-copy";
import { RUNTIME_ACCOUNT } from "../../support/gcp-parts";
import { bareStack, onlyResource, resourcesOf, synthesize } from "../../support/synthesized";

// GcpBucketCopy alone: a bucket in a second location and the Storage Transfer job that keeps it a copy
// of the source, with access to these two buckets only.
function build(props: Partial<Omit<GcpBucketCopyProps, "source">> = {}) {
  const stack = bareStack();
  const source = new GcpDataBucket(stack, "source", { name: "acme-shop-data", location: "europe-west3", runtimeAccount: RUNTIME_ACCOUNT, labels: { environment: "shop" } });
  new GcpBucketCopy(stack, "copy", { source: source.bucket, location: "EU", schedule: "daily", retentionDays: 30, ...props });
  const json = synthesize(stack, {}).json;
  const ids = Object.fromEntries(resourcesOf(json, "google_storage_bucket").map(([id, b]) => [b.name, id]));
  return { json, source: `\${google_storage_bucket.${ids["acme-shop-data"]}.name}`, copy: `\${google_storage_bucket.${ids["acme-shop-data-offsite"]}.name}` };
}

describe("a daily copy in EU", () => {
  const { json, source, copy } = build();
  const [[agentId, agentData]] = Object.entries<any>(JSON.parse(json).data.google_storage_transfer_project_service_account);
  const agent = `\${data.google_storage_transfer_project_service_account.${agentId}.member}`;

  test("the copy is named after the source, in its location, private, versioned, never force-destroyed, with the source's labels", () => {
    expect(json).toHaveResourceWithProperties(StorageBucket, {
      name: "acme-shop-data-offsite", location: "EU", uniform_bucket_level_access: true, public_access_prevention: "enforced",
      versioning: { enabled: true }, force_destroy: false, labels: { environment: "shop" },
      lifecycle_rule: [{ action: { type: "Delete" }, condition: { days_since_noncurrent_time: 30, with_state: "ARCHIVED" } }],
    });
  });

  test("Google's transfer agent may read the source and write the copy, those two buckets only", () => {
    const grants = resourcesOf(json, "google_storage_bucket_iam_member").map(([, m]) => m).filter((m) => m.member === agent);
    expect(grants.map(({ bucket, role }) => [bucket, role])).toEqual(expect.arrayContaining([
      [source, "roles/storage.objectViewer"], [source, "roles/storage.legacyBucketReader"], [copy, "roles/storage.legacyBucketWriter"],
    ]));
    expect(grants).toHaveLength(3);
  });

  test("the job runs daily from a fixed first day, deletes in the copy what is gone from the source, and waits for its grants", () => {
    expect(json).toHaveResourceWithProperties(StorageTransferJob, {
      description: "acme-shop-data to EU (off-site copy, daily)",
      transfer_spec: { gcs_data_source: { bucket_name: source }, gcs_data_sink: { bucket_name: copy }, transfer_options: { delete_objects_unique_in_sink: true } },
      schedule: expect.objectContaining({ repeat_interval: "86400s", schedule_start_date: { year: 2025, month: 1, day: 5 } }),
    });
    expect(onlyResource(json, "google_storage_transfer_job")[1].depends_on).toHaveLength(3);
  });

  test("the agent is read once the copy exists, so a plan creates nothing in the project", () => {
    expect(agentData.depends_on).toEqual([expect.stringMatching(/^google_storage_bucket\.copy_bucket_/)]);
  });
});

test("the schedule sets the interval, the retention how long the copy keeps old versions", () => {
  const { json } = build({ schedule: "hourly", retentionDays: 7, location: "europe-west4" });
  expect(json).toHaveResourceWithProperties(StorageTransferJob, { schedule: expect.objectContaining({ repeat_interval: "3600s" }) });
  expect(json).toHaveResourceWithProperties(StorageBucket, { name: "acme-shop-data-offsite", location: "europe-west4", lifecycle_rule: [expect.objectContaining({ condition: { days_since_noncurrent_time: 7, with_state: "ARCHIVED" } })] });
  expect(build({ schedule: "weekly" }).json).toHaveResourceWithProperties(StorageTransferJob, { schedule: expect.objectContaining({ repeat_interval: "604800s" }) });
});

test("a source whose name is not known at synth is refused: the copy is named after it", () => {
  const stack = bareStack();
  const other = new StorageBucket(stack, "named", { name: "x-seed", location: "EU" });
  const source = new StorageBucket(stack, "source", { name: other.name, location: "EU" });
  expect(() => new GcpBucketCopy(stack, "copy", { source, location: "EU", schedule: "daily", retentionDays: 30 })).toThrow("t/copy: the source bucket's name must be a literal");
});
