import { LoggingProjectBucketConfig } from "@cdktf/provider-google/lib/logging-project-bucket-config";
import { LoggingProjectSink } from "@cdktf/provider-google/lib/logging-project-sink";
import { DEFAULT_SINK_FILTER, GcpLogRouting, GcpLogRoutingProps } from "../../../constructs/gcp/logs";
import { bareStack, onlyResource, synthesize } from "../../support/synthesized";

// GcpLogRouting alone: the project's _Default sink routed to a log bucket in the location.
function synth(props: Partial<GcpLogRoutingProps> = {}) {
  const stack = bareStack();
  new GcpLogRouting(stack, "logs", { project: "acme-test-4711", location: "europe-west3", bucketId: "shop-logs-1a2b", retentionDays: 30, ...props });
  return synthesize(stack, {}).json;
}

describe("left to its defaults", () => {
  const json = synth();
  const [bucketId, bucket] = onlyResource(json, "google_logging_project_bucket_config");

  test("a log bucket in the location, keeping the logs retentionDays, that Terraform refuses to delete", () => {
    expect(json).toHaveResourceWithProperties(LoggingProjectBucketConfig, {
      project: "acme-test-4711", location: "europe-west3", bucket_id: "shop-logs-1a2b", retention_days: 30,
      description: "The project's logs (the _Default sink), kept in europe-west3 for 30 days",
    });
    expect(bucket.deletion_policy).toBe("PREVENT");
  });

  test("the _Default sink goes there (by the bucket's own attributes), everything but the audit logs _Required keeps", () => {
    const at = (attribute: string) => `\${google_logging_project_bucket_config.${bucketId}.${attribute}}`;
    expect(json).toHaveResourceWithProperties(LoggingProjectSink, {
      project: "acme-test-4711", name: "_Default", unique_writer_identity: true, filter: DEFAULT_SINK_FILTER,
      destination: `logging.googleapis.com/projects/acme-test-4711/locations/${at("location")}/buckets/${at("bucket_id")}`,
    });
    expect(DEFAULT_SINK_FILTER).toContain('NOT LOG_ID("cloudaudit.googleapis.com/activity")');
  });
});

test("protect: false lets a destroy delete the log bucket; its retention", () => {
  const [, bucket] = onlyResource(synth({ protect: false, retentionDays: 400 }), "google_logging_project_bucket_config");
  expect(bucket.deletion_policy).toBeUndefined();
  expect(bucket.retention_days).toBe(400);
});
