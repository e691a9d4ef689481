import { Testing } from "cdktf";
import { CloudRunV2Service } from "@cdktf/provider-google/lib/cloud-run-v2-service";
import { ComputeSubnetwork } from "@cdktf/provider-google/lib/compute-subnetwork";
import { LoggingProjectBucketConfig } from "@cdktf/provider-google/lib/logging-project-bucket-config";
import { LoggingProjectSink } from "@cdktf/provider-google/lib/logging-project-sink";
import { SqlDatabaseInstance } from "@cdktf/provider-google/lib/sql-database-instance";
import { StorageBucket } from "@cdktf/provider-google/lib/storage-bucket";
import { StorageBucketIamMember } from "@cdktf/provider-google/lib/storage-bucket-iam-member";
import { BackendStack, enforceResidency } from "../../constructs/backend-stack";
import { DEFAULT_SINK_FILTER } from "../../constructs/gcp/logs";
import { Violation } from "../../constructs/residency-aspect";
import { GcpEnvironment, validateEnvironment } from "../../lib/environment";
import { impliedLocations } from "../../lib/residency/attributes";
import gcpStagingFile from "../../environments/gcp-staging";
import { shippedEnvironment } from "../support/shipped-environments";
import { onlyResource, resourcesOf } from "../support/synthesized";

// Where the GCP target's logs go and what it logs: the project's logs in a regional log bucket, the
// data bucket's access logs in a bucket of their own, Postgres' connection logs without statements,
// the subnet's flows; and the run.app URL switched off behind the load balancer.
const prod = shippedEnvironment("gcp-prod") as GcpEnvironment;
const staging = shippedEnvironment("gcp-staging") as GcpEnvironment;
const synth = (env: GcpEnvironment) => Testing.synth(new BackendStack(Testing.app(), env));

describe("the project's logs stay in the environment's region", () => {
  const json = synth(prod);

  test("a log bucket in the region keeps them for logs.retentionDays (30 by default); with protect Terraform may not delete it", () => {
    expect(prod.logs).toEqual({ retentionDays: 30 });
    expect(json).toHaveResourceWithProperties(LoggingProjectBucketConfig, {
      project: "acme-prod-4711", location: "europe-west3", bucket_id: expect.stringMatching(/^gcp-prod-logs-\$\{random_id\..*\.hex\}$/), retention_days: 30, deletion_policy: "PREVENT",
    });
    const [, unprotected] = onlyResource(synth(staging), "google_logging_project_bucket_config");
    expect(unprotected.deletion_policy).toBeUndefined(); // gcp-staging says protect: false
  });

  test("the _Default sink is routed to it, with Google's own filter (the audit logs stay in _Required)", () => {
    const [bucketId] = onlyResource(json, "google_logging_project_bucket_config");
    expect(json).toHaveResourceWithProperties(LoggingProjectSink, {
      name: "_Default", project: "acme-prod-4711", unique_writer_identity: true, filter: DEFAULT_SINK_FILTER,
      destination: `logging.googleapis.com/projects/acme-prod-4711/locations/\${google_logging_project_bucket_config.${bucketId}.location}/buckets/\${google_logging_project_bucket_config.${bucketId}.bucket_id}`,
    });
    expect(DEFAULT_SINK_FILTER).toContain('NOT LOG_ID("cloudaudit.googleapis.com/activity") AND NOT LOG_ID("externalaudit.googleapis.com/activity")');
  });

  test("the retention is the environment file's", () => {
    const file = validateEnvironment({ ...gcpStagingFile, logs: { retentionDays: 90 } }, "environments/gcp-staging.ts") as GcpEnvironment;
    const json = synth(file);
    expect(json).toHaveResourceWithProperties(LoggingProjectBucketConfig, { retention_days: 90 });
    expect(json).toHaveResourceWithProperties(StorageBucket, { name: "acme-staging-4711-gcp-staging-access-logs", lifecycle_rule: [{ action: { type: "Delete" }, condition: { age: 90 } }] });
  });

});

describe("a sink's destination is judged where it stores", () => {
  const block = (destination: string) => ({ name: "_Default", destination });

  test("a log bucket by the location in its name or by the referenced bucket's location; a Cloud Storage bucket of the stack by its location", () => {
    expect(impliedLocations(block("logging.googleapis.com/projects/p/locations/us-central1/buckets/b"), "google_logging_project_sink")).toEqual([["destination", "us-central1"]]);
    expect(impliedLocations(block("logging.googleapis.com/${google_logging_project_bucket_config.logs.id}"), "google_logging_project_sink"))
      .toEqual([["destination", "${google_logging_project_bucket_config.logs.location}"]]);
    expect(impliedLocations(block("storage.googleapis.com/${google_storage_bucket.archive.name}"), "google_logging_project_sink"))
      .toEqual([["destination", "${google_storage_bucket.archive.location}"]]);
    expect(impliedLocations({ name: "b", location: "EU", logging: { log_bucket: "${google_storage_bucket.logs.name}" } }, "google_storage_bucket"))
      .toEqual([["logging.log_bucket", "${google_storage_bucket.logs.location}"]]);
  });

  /** The residency violations of gcp-prod's stack with `extend` applied. */
  const violations = (extend: (stack: BackendStack) => void): string[] => {
    const stack = new BackendStack(Testing.app(), prod);
    extend(stack);
    try { enforceResidency([stack]); } catch { /* the violations are what is checked */ }
    return stack.residency.violations.map((v: Violation) => `${v.path}: ${v.attribute} = ${v.value}`);
  };

  test("a sink into a US log bucket, into Pub/Sub, and a bucket logging into a US bucket are refused at synth", () => {
    const found = violations((stack) => {
      const us = new LoggingProjectBucketConfig(stack, "us-logs", { project: "acme-prod-4711", location: "us-central1", bucketId: "us" });
      new LoggingProjectSink(stack, "to-us", { name: "to-us", destination: `logging.googleapis.com/projects/acme-prod-4711/locations/${us.location}/buckets/us` });
      new LoggingProjectSink(stack, "to-pubsub", { name: "to-pubsub", destination: "pubsub.googleapis.com/projects/acme-prod-4711/topics/logs" });
      const usBucket = new StorageBucket(stack, "us-bucket", { name: "acme-us-logs", location: "US" });
      new StorageBucket(stack, "logged", { name: "acme-logged", location: "EU", logging: { logBucket: usBucket.name } });
    });
    expect(found).toEqual([
      "gcp-prod/us-logs: location = us-central1",
      "gcp-prod/to-us: destination = ${google_logging_project_bucket_config.us-logs.location}",
      "gcp-prod/to-pubsub: destination = pubsub.googleapis.com/projects/acme-prod-4711/topics/logs",
      "gcp-prod/us-bucket: location = US",
      "gcp-prod/logged: logging.log_bucket = ${google_storage_bucket.us-bucket.location}",
    ]);
  });
});

describe("the data bucket's access logs", () => {
  const json = synth(prod);

  test("are written into a private bucket of their own in the environment's location, deleted after the log retention", () => {
    const [logsId] = resourcesOf(json, "google_storage_bucket").find(([, b]) => b.name === "acme-prod-4711-gcp-prod-access-logs")!;
    expect(json).toHaveResourceWithProperties(StorageBucket, {
      name: "acme-prod-4711-gcp-prod-access-logs", location: "europe-west3", uniform_bucket_level_access: true, public_access_prevention: "enforced",
      versioning: { enabled: false }, lifecycle_rule: [{ action: { type: "Delete" }, condition: { age: 30 } }], force_destroy: false,
    });
    expect(json).toHaveResourceWithProperties(StorageBucket, { name: "acme-prod-4711-gcp-prod-data", location: "EU", logging: { log_bucket: `\${google_storage_bucket.${logsId}.name}` } });
  });

  test("only Google's storage analytics group writes them; the app's account has no access", () => {
    const [logsId] = resourcesOf(json, "google_storage_bucket").find(([, b]) => b.name === "acme-prod-4711-gcp-prod-access-logs")!;
    const grants = resourcesOf(json, "google_storage_bucket_iam_member").filter(([, m]) => m.bucket === `\${google_storage_bucket.${logsId}.name}`);
    expect(grants.map(([, m]) => `${m.role} ${m.member}`)).toEqual(["roles/storage.objectCreator group:cloud-storage-analytics@google.com"]);
    expect(json).toHaveResourceWithProperties(StorageBucketIamMember, { member: "group:cloud-storage-analytics@google.com" });
  });

  test("without a data bucket there is no access log bucket", () => {
    const names = resourcesOf(synth({ ...staging, bucket: false } as GcpEnvironment), "google_storage_bucket").map(([, b]) => b.name);
    expect(names).toEqual([]);
  });
});

describe("the run.app URL", () => {
  test("is switched off when the service is reached through the load balancer (a DNS record)", () => {
    expect(synth(prod)).toHaveResourceWithProperties(CloudRunV2Service, { ingress: "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER", default_uri_disabled: true });
  });

  test("stays on without a load balancer: it is the service's address (public, or internal)", () => {
    for (const env of [{ ...staging, dns: undefined }, { ...prod, service: { ...prod.service, ingress: "internal" } }] as GcpEnvironment[]) {
      const [, service] = onlyResource(synth(env), "google_cloud_run_v2_service");
      expect(service.default_uri_disabled).toBeUndefined();
      expect(resourcesOf(synth(env), "google_compute_global_forwarding_rule")).toEqual([]);
    }
  });
});

describe("what Postgres and the network log", () => {
  test("connections, disconnections, lock waits, checkpoints and warnings; never a statement", () => {
    const [, instance] = onlyResource(synth(prod), "google_sql_database_instance");
    const flags = Object.fromEntries(instance.settings.database_flags.map((f: { name: string; value: string }) => [f.name, f.value]));
    expect(flags).toEqual({
      log_connections: "on", log_disconnections: "on", log_lock_waits: "on", log_checkpoints: "on",
      log_min_messages: "warning", log_min_error_statement: "panic",
    });
    for (const statementLogging of ["log_statement", "log_min_duration_statement", "log_duration", "log_parameter_max_length", "log_parameter_max_length_on_error"]) {
      expect(flags).not.toHaveProperty(statementLogging);
    }
    expect(synth(prod)).toHaveResourceWithProperties(SqlDatabaseInstance, { settings: expect.objectContaining({ database_flags: expect.arrayContaining([{ name: "log_connections", value: "on" }]) }) });
  });

  test("the subnet's flows, half of them, aggregated over 10 minutes, with metadata", () => {
    expect(synth(prod)).toHaveResourceWithProperties(ComputeSubnetwork, {
      name: expect.stringMatching(/^gcp-prod-run-\$\{random_id\..*\.hex\}$/), log_config: { aggregation_interval: "INTERVAL_10_MIN", flow_sampling: 0.5, metadata: "INCLUDE_ALL_METADATA" },
    });
  });
});
