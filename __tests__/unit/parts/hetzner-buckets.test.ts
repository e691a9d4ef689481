import { Testing } from "cdktf";
import { Bucket } from "../../../.gen/providers/s3/bucket";
import { HetznerBuckets, HetznerBucketsProps } from "../../../constructs/hetzner/bucket";
import { bareStack, resourcesOf } from "../../support/synthesized";

function synth(props: HetznerBucketsProps) {
  const stack = bareStack();
  const buckets = new HetznerBuckets(stack, "bucket", props);
  const json = Testing.synth(stack);
  return { buckets, json, parsed: JSON.parse(json) };
}
const bucketNames = (json: string) => resourcesOf(json, "s3_bucket").map(([, b]) => b.bucket);

test("no bucket asked for: none made, only the provider at the location's endpoint", () => {
  const { buckets, json, parsed } = synth({ location: "fsn1" });
  expect(bucketNames(json)).toEqual([]);
  expect(parsed.provider.s3).toEqual([expect.objectContaining({ endpoint: "https://fsn1.your-objectstorage.com", region: "fsn1" })]);
  expect(buckets).toMatchObject({ endpoint: "https://fsn1.your-objectstorage.com", region: "fsn1", dataBucket: undefined, backupBucket: undefined, offsite: undefined });
});

test("the keys are the deployer's sensitive variables, never literals", () => {
  const { parsed } = synth({ location: "fsn1" });
  expect(parsed.variable).toEqual({
    object_storage_access_key: expect.objectContaining({ type: "string", sensitive: true }),
    object_storage_secret_key: expect.objectContaining({ type: "string", sensitive: true }),
  });
  expect(parsed.provider.s3[0]).toMatchObject({ access_key: "${var.object_storage_access_key}", secret_key: "${var.object_storage_secret_key}" });
});

test("the app's bucket is versioned unless told otherwise", () => {
  expect(synth({ location: "nbg1", dataBucket: { name: "shop-data" } }).json).toHaveResourceWithProperties(Bucket, { bucket: "shop-data", versioning: true, provider: "s3" });
  expect(synth({ location: "nbg1", dataBucket: { name: "shop-data", versioning: false } }).json).toHaveResourceWithProperties(Bucket, { bucket: "shop-data", versioning: false });
});

test("the backups' bucket has no versioning and no expiry (the sidecar keeps the newest dump)", () => {
  const { json, buckets } = synth({ location: "nbg1", backupBucket: "shop-data-backups" });
  const [[, backups]] = resourcesOf(json, "s3_bucket");
  expect(backups).toEqual({ bucket: "shop-data-backups", provider: "s3" });
  expect(buckets.backupBucket).toBe("shop-data-backups");
});

test("the off-site bucket is in its own location, through a second provider with the same keys", () => {
  const { json, parsed, buckets } = synth({ location: "fsn1", dataBucket: { name: "shop-data" }, backupBucket: "shop-data-backups", offsite: { bucket: "shop-data-offsite", location: "hel1" } });
  expect(bucketNames(json).sort()).toEqual(["shop-data", "shop-data-backups", "shop-data-offsite"]);
  expect(json).toHaveResourceWithProperties(Bucket, { bucket: "shop-data-offsite", provider: "s3.offsite" });
  expect(parsed.provider.s3).toContainEqual(expect.objectContaining({
    alias: "offsite", endpoint: "https://hel1.your-objectstorage.com", region: "hel1", access_key: "${var.object_storage_access_key}",
  }));
  expect(buckets.offsite).toEqual({ bucket: "shop-data-offsite", endpoint: "https://hel1.your-objectstorage.com", region: "hel1" });
});

test("no bucket is ever emptied by Terraform", () => {
  const { json } = synth({ location: "fsn1", dataBucket: { name: "shop-data" }, backupBucket: "b-backups", offsite: { bucket: "b-offsite", location: "hel1" } });
  expect(resourcesOf(json, "s3_bucket").every(([, b]) => !b.force_destroy)).toBe(true);
});
