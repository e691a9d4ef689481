import { StorageBucket } from "@cdktf/provider-google/lib/storage-bucket";
import { StorageBucketIamMember } from "@cdktf/provider-google/lib/storage-bucket-iam-member";
import { StorageHmacKey } from "@cdktf/provider-google/lib/storage-hmac-key";
import { GcpAccessLogBucket, GcpAccessLogBucketProps } from "../../../constructs/gcp/access-logs";
import { GcpDataBucket, GcpDataBucketProps, suffixedBucketName } from "../../../constructs/gcp/bucket";
import { RUNTIME_ACCOUNT } from "../../support/gcp-parts";
import { bareStack, resourcesOf, synthesize } from "../../support/synthesized";

// GcpDataBucket and the bucket of its access logs, alone: private buckets, what the runtime account may do,
// the S3 keys the app signs with, old versions and logs deleted after their time, and protection.
function build(props: Partial<GcpDataBucketProps> = {}) {
  const stack = bareStack();
  const bucket = new GcpDataBucket(stack, "bucket", { name: "acme-shop-data", location: "EU", runtimeAccount: RUNTIME_ACCOUNT, ...props });
  return { bucket, ...synthesize(stack, { name: bucket.name, accessKeyId: bucket.accessKeyId, secretAccessKey: bucket.secretAccessKey }) };
}
const buckets = (json: string) => resourcesOf(json, "google_storage_bucket").map(([, b]) => b);

describe("GcpDataBucket left to its defaults", () => {
  const { bucket, json, values } = build();
  const [[bucketId, config]] = resourcesOf(json, "google_storage_bucket");
  const [[hmacId]] = resourcesOf(json, "google_storage_hmac_key");

  test("private: uniform access, public access prevention enforced, in its location", () => {
    expect(config).toMatchObject({ name: "acme-shop-data", location: "EU", uniform_bucket_level_access: true, public_access_prevention: "enforced" });
  });

  test("versioned, old versions deleted after 30 days", () => {
    expect(config.versioning).toEqual({ enabled: true });
    expect(config.lifecycle_rule).toEqual([{ action: { type: "Delete" }, condition: { days_since_noncurrent_time: 30, with_state: "ARCHIVED" } }]);
  });

  test("protected: not destroyed with its objects; no access logs, no labels", () => {
    expect(config.force_destroy).toBe(false);
    expect(config.logging).toBeUndefined();
    expect(config.labels).toBeUndefined();
  });

  test("the runtime account may use the objects, nothing more, and signs S3 requests with an HMAC key of its own", () => {
    expect(resourcesOf(json, "google_storage_bucket_iam_member").map(([, m]) => m)).toEqual([
      { bucket: `\${google_storage_bucket.${bucketId}.name}`, role: "roles/storage.objectUser", member: RUNTIME_ACCOUNT.member },
    ]);
    expect(json).toHaveResourceWithProperties(StorageHmacKey, { service_account_email: RUNTIME_ACCOUNT.email });
    expect(values.accessKeyId).toBe(`\${google_storage_hmac_key.${hmacId}.access_id}`);
    expect(values.secretAccessKey).toBe(`\${google_storage_hmac_key.${hmacId}.secret}`);
  });

  test("its endpoint is the S3-compatible XML API, its region its location, its name the bucket's", () => {
    expect(bucket).toMatchObject({ endpoint: "https://storage.googleapis.com", region: "EU" });
    expect(values.name).toBe(`\${google_storage_bucket.${bucketId}.name}`);
  });
});

test("GcpDataBucket: unversioned, another retention, labels; protect: false destroys it with its objects", () => {
  const [config] = buckets(build({ versioning: false, noncurrentDays: 7, protect: false, labels: { environment: "shop" }, location: "europe-west3" }).json);
  expect(config).toMatchObject({
    location: "europe-west3", versioning: { enabled: false }, force_destroy: true, labels: { environment: "shop" },
    lifecycle_rule: [{ condition: { days_since_noncurrent_time: 7 } }],
  });
});

describe("GcpAccessLogBucket, and a bucket that logs into it", () => {
  function logged(props: Partial<GcpAccessLogBucketProps> = {}) {
    const stack = bareStack();
    const accessLogs = new GcpAccessLogBucket(stack, "logs", { name: "acme-shop-access-logs", location: "europe-west3", retentionDays: 30, ...props });
    new GcpDataBucket(stack, "bucket", { name: "acme-shop-data", location: "EU", runtimeAccount: RUNTIME_ACCOUNT, accessLogs });
    return synthesize(stack, {}).json;
  }
  const json = logged();
  const [logsId, logs] = resourcesOf(json, "google_storage_bucket").find(([, b]) => b.name === "acme-shop-access-logs")!;

  test("the data bucket's requests are logged into it, by reference, so the data bucket waits for it", () => {
    expect(json).toHaveResourceWithProperties(StorageBucket, { name: "acme-shop-data", logging: { log_bucket: `\${google_storage_bucket.${logsId}.name}` } });
  });

  test("private, unversioned, in its own location, each log deleted after the retention; kept on destroy by default", () => {
    expect(logs).toMatchObject({
      location: "europe-west3", uniform_bucket_level_access: true, public_access_prevention: "enforced", versioning: { enabled: false },
      lifecycle_rule: [{ action: { type: "Delete" }, condition: { age: 30 } }], force_destroy: false,
    });
  });

  test("only Google's storage analytics group may write into it; the runtime account gets nothing there", () => {
    expect(json).toHaveResourceWithProperties(StorageBucketIamMember, {
      bucket: `\${google_storage_bucket.${logsId}.name}`, role: "roles/storage.objectCreator", member: "group:cloud-storage-analytics@google.com",
    });
    const grants = resourcesOf(json, "google_storage_bucket_iam_member").map(([, m]) => m);
    expect(grants.filter((m) => m.member === RUNTIME_ACCOUNT.member).map((m) => m.bucket)).not.toContain(`\${google_storage_bucket.${logsId}.name}`);
  });

  test("protect: false destroys it with its logs; labels", () => {
    expect(buckets(logged({ protect: false, labels: { environment: "shop" } })).find((b) => b.name === "acme-shop-access-logs"))
      .toMatchObject({ force_destroy: true, labels: { environment: "shop" } });
  });
});

test("a related bucket's name fits in 63 characters, without a dash before its suffix", () => {
  expect(suffixedBucketName("acme-shop-data", "-offsite")).toBe("acme-shop-data-offsite");
  const long = suffixedBucketName(`${"a".repeat(50)}-${"b".repeat(20)}`, "-access-logs");
  expect(long).toBe(`${"a".repeat(50)}-access-logs`); // cut after 51, the dash it ends in dropped
  expect(long.length).toBeLessThanOrEqual(63);
});
