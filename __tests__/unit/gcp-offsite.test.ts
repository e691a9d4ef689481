import { Testing } from "cdktf";
import { DataGoogleStorageTransferProjectServiceAccount } from "@cdktf/provider-google/lib/data-google-storage-transfer-project-service-account";
import { SqlDatabaseInstance } from "@cdktf/provider-google/lib/sql-database-instance";
import { StorageBucket } from "@cdktf/provider-google/lib/storage-bucket";
import { StorageTransferJob } from "@cdktf/provider-google/lib/storage-transfer-job";
import { BackendStack, enforceResidency } from "../../constructs/backend-stack";
import { GcpBootstrapStack } from "../../constructs/gcp/bootstrap-stack";
import { Violation } from "../../constructs/residency-aspect";
import { EnvironmentError, GcpEnvironment, validateEnvironment } from "../../lib/environment";
import gcpProdFile from "../../environments/gcp-prod";
import { shippedEnvironment } from "../support/shipped-environments";
import { onlyResource, resourcesOf } from "../support/synthesized";

/*
 * Google Cloud's off-site backups (`backups.offsite`): Cloud SQL's backups stored in the second location,
 * and the data bucket's objects copied to a bucket there by a Storage Transfer job.
 */

const prod = shippedEnvironment("gcp-prod") as GcpEnvironment;
const DATA = "acme-prod-4711-gcp-prod-data";
const withBackups = (backups: Partial<NonNullable<GcpEnvironment["backups"]>>, more: Partial<GcpEnvironment> = {}) =>
  ({ ...prod, ...more, backups: { ...prod.backups!, ...backups } }) as GcpEnvironment;
const synth = (env: GcpEnvironment) => Testing.synth(new BackendStack(Testing.app(), env));
const bootstrap = (env: GcpEnvironment) => Testing.synth(new GcpBootstrapStack(Testing.app(), env));

describe("gcp-prod, with backups.offsite in EU", () => {
  const json = synth(prod);
  const [copyId] = resourcesOf(json, "google_storage_bucket").find(([, b]) => b.name === `${DATA}-offsite`)!;
  const [dataId] = resourcesOf(json, "google_storage_bucket").find(([, b]) => b.name === DATA)!;
  const [agentId] = Object.entries<any>(JSON.parse(json).data.google_storage_transfer_project_service_account)[0];

  test("Cloud SQL stores its backups in the off-site location, as Cloud SQL spells it", () => {
    expect(prod.backups?.offsite).toEqual({ location: "EU" });
    expect(json).toHaveResourceWithProperties(SqlDatabaseInstance, {
      settings: expect.objectContaining({ backup_configuration: expect.objectContaining({ enabled: true, point_in_time_recovery_enabled: true, location: "eu" }) }),
    });
    const [, output] = Object.entries<any>(JSON.parse(json).output).find(([id]) => id.includes("backup_location"))!;
    expect(output.value).toBe("Cloud SQL automated backups with point-in-time recovery, stored in eu; the data bucket's objects copied daily to a bucket in EU");
  });

  test("the copy: a second bucket in EU, private like the data bucket, versioned, never force-destroyed, deleted objects kept for the retention", () => {
    expect(json).toHaveResourceWithProperties(StorageBucket, {
      name: `${DATA}-offsite`, location: "EU",
      uniform_bucket_level_access: true, public_access_prevention: "enforced", versioning: { enabled: true }, force_destroy: false,
      labels: { environment: "gcp-prod" },
      lifecycle_rule: [{ action: { type: "Delete" }, condition: { days_since_noncurrent_time: 30, with_state: "ARCHIVED" } }],
    });
    // The data bucket itself is unchanged by it; its labels are the copy's.
    expect(json).toHaveResourceWithProperties(StorageBucket, { name: DATA, location: "EU", labels: { environment: "gcp-prod" }, force_destroy: false });
  });

  test("the transfer job copies the data bucket to the copy daily, deleting there what is gone from the source", () => {
    expect(json).toHaveResourceWithProperties(StorageTransferJob, {
      transfer_spec: {
        gcs_data_source: { bucket_name: `\${google_storage_bucket.${dataId}.name}` },
        gcs_data_sink: { bucket_name: `\${google_storage_bucket.${copyId}.name}` },
        transfer_options: { delete_objects_unique_in_sink: true },
      },
      schedule: expect.objectContaining({ repeat_interval: "86400s", start_time_of_day: { hours: 3, minutes: 0, seconds: 0, nanos: 0 } }),
    });
    const [, job] = onlyResource(json, "google_storage_transfer_job");
    expect(job.transfer_spec.transfer_options).not.toHaveProperty("delete_objects_from_source_after_transfer");
  });

  test("the Storage Transfer agent may read the source and write the copy, on those buckets only; the job waits for the grants", () => {
    expect(json).toHaveDataSource(DataGoogleStorageTransferProjectServiceAccount);
    const agent = `\${data.google_storage_transfer_project_service_account.${agentId}.member}`;
    const grants = resourcesOf(json, "google_storage_bucket_iam_member").filter(([, m]) => m.member === agent);
    expect(grants.map(([, m]) => [m.bucket, m.role]).sort()).toEqual([
      [`\${google_storage_bucket.${copyId}.name}`, "roles/storage.legacyBucketWriter"],
      [`\${google_storage_bucket.${dataId}.name}`, "roles/storage.legacyBucketReader"],
      [`\${google_storage_bucket.${dataId}.name}`, "roles/storage.objectViewer"],
    ]);
    const [, job] = onlyResource(json, "google_storage_transfer_job");
    expect(job.depends_on).toEqual(expect.arrayContaining(grants.map(([id]) => `google_storage_bucket_iam_member.${id}`)));
  });

  test("CI (the bootstrap's identities): plans may read the transfer job, deploys manage it", () => {
    const roles = (account: string) => resourcesOf(bootstrap(prod), "google_project_iam_member").filter(([id]) => id.startsWith(`ci_${account}-`)).map(([, m]) => m.role);
    expect(roles("plan")).toContain("roles/storagetransfer.viewer");
    expect(roles("deploy")).toContain("roles/storagetransfer.admin");
  });
});

describe("the copy follows the environment", () => {
  test.each([["hourly", "3600s"], ["weekly", "604800s"]] as const)("schedule %s runs the job every %s", (schedule, interval) => {
    expect(synth(withBackups({ schedule }))).toHaveResourceWithProperties(StorageTransferJob, { schedule: expect.objectContaining({ repeat_interval: interval }) });
  });

  test("in a second region, with the retention of the backups", () => {
    const json = synth(withBackups({ offsite: { location: "europe-west4" }, retentionDays: 7 }));
    expect(json).toHaveResourceWithProperties(SqlDatabaseInstance, { settings: expect.objectContaining({ backup_configuration: expect.objectContaining({ location: "europe-west4" }) }) });
    expect(json).toHaveResourceWithProperties(StorageBucket, {
      name: `${DATA}-offsite`, location: "europe-west4",
      lifecycle_rule: [{ action: { type: "Delete" }, condition: { days_since_noncurrent_time: 7, with_state: "ARCHIVED" } }],
    });
  });

  test("a long bucket name is shortened so that the copy's name fits in 63 characters", () => {
    const name = `acme-${"x".repeat(50)}-uploads`; // 63 characters
    const json = synth(withBackups({}, { bucket: { ...prod.bucket as object, name } as GcpEnvironment["bucket"] }));
    const copy = resourcesOf(json, "google_storage_bucket").map(([, b]) => b.name).find((n: string) => n !== name && n.endsWith("-offsite"))!;
    expect(copy).toBe(`acme-${"x".repeat(50)}-offsite`);
    expect(copy.length).toBeLessThanOrEqual(63);
  });

  test("without a bucket, Cloud SQL's backups still go off-site and nothing is copied", () => {
    const json = synth(withBackups({}, { bucket: false }));
    expect(json).not.toHaveResource(StorageTransferJob);
    expect(json).not.toHaveDataSource(DataGoogleStorageTransferProjectServiceAccount);
    expect(json).toHaveResourceWithProperties(SqlDatabaseInstance, { settings: expect.objectContaining({ backup_configuration: expect.objectContaining({ location: "eu" }) }) });
    const roles = resourcesOf(bootstrap(withBackups({}, { bucket: false })), "google_project_iam_member").map(([, m]) => m.role);
    expect(roles.filter((r) => r.startsWith("roles/storagetransfer."))).toEqual([]);
  });

  test("gcp-staging has no off-site copy: backups in its region, no transfer job, no transfer roles", () => {
    const json = synth(shippedEnvironment("gcp-staging") as GcpEnvironment);
    expect(json).not.toHaveResource(StorageTransferJob);
    expect(json).toHaveResourceWithProperties(SqlDatabaseInstance, { settings: expect.objectContaining({ backup_configuration: expect.objectContaining({ location: "europe-west3" }) }) });
    expect(resourcesOf(bootstrap(shippedEnvironment("gcp-staging") as GcpEnvironment), "google_project_iam_member").map(([, m]) => m.role).filter((r) => r.startsWith("roles/storagetransfer."))).toEqual([]);
  });
});

describe("an off-site location is judged when the environment loads", () => {
  const problems = (offsite: unknown): string => {
    try {
      validateEnvironment({ ...gcpProdFile, backups: { ...gcpProdFile.backups, offsite } }, "environments/gcp-prod.ts");
    } catch (err) {
      expect(err).toBeInstanceOf(EnvironmentError);
      return (err as Error).message;
    }
    throw new Error("expected validation to fail");
  };

  test("outside the EU it is refused, naming the field, the value and the policy", () => {
    expect(problems({ location: "us-central1" })).toContain('backups.offsite.location: "us-central1" — "us-central1" (Council Bluffs, Iowa, US) is outside what policy "eu" allows');
    expect(problems({ location: "US" })).toContain('backups.offsite.location: "US" — "US" (US multi-region, US) is outside what policy "eu" allows');
  });

  test("the environment's own region is refused: a copy there would burn with it", () => {
    expect(problems({ location: "europe-west3" })).toContain('backups.offsite.location: "europe-west3" — the environment\'s own location');
  });

  test("a zone, a Firestore multi-region and a lower-case spelling are refused, naming what to write", () => {
    expect(problems({ location: "europe-west4-a" })).toContain('backups.offsite.location: "europe-west4-a" — "europe-west4-a" is a zone in europe-west4');
    expect(problems({ location: "eur3" })).toContain('backups.offsite.location: "eur3" — "eur3" is a Firestore multi-region');
    expect(problems({ location: "eu" })).toContain('backups.offsite.location: "eu" — write it "EU", as the provider\'s API does');
  });
});

describe("the residency aspect judges where a transfer job copies to", () => {
  const violations = (extend: (stack: BackendStack) => void): Violation[] => {
    const stack = new BackendStack(Testing.app(), prod);
    extend(stack);
    try { enforceResidency([stack]); } catch { /* the violations are what is checked */ }
    return stack.residency.violations;
  };
  const job = (stack: BackendStack, id: string, sink: Record<string, unknown>) =>
    new StorageTransferJob(stack, id, {
      description: id,
      transferSpec: { gcsDataSource: { bucketName: DATA }, ...sink },
      schedule: { scheduleStartDate: { year: 2025, month: 1, day: 5 } },
    });

  test("the shipped copy passes: its sink is followed to the copy's location", () => {
    expect(violations(() => {})).toEqual([]);
  });

  test("a sink bucket outside the EU, one named literally and a file system are refused", () => {
    const found = violations((stack) => {
      const us = new StorageBucket(stack, "us-copy", { name: "acme-us-copy", location: "US" });
      job(stack, "to-us", { gcsDataSink: { bucketName: us.name } });
      job(stack, "to-anywhere", { gcsDataSink: { bucketName: "someone-elses-bucket" } });
      job(stack, "to-disk", { posixDataSink: { rootDirectory: "/mnt/copy" } });
    });
    expect(found.map((v) => `${v.path}: ${v.attribute} = ${v.value}`)).toEqual([
      "gcp-prod/us-copy: location = US",
      "gcp-prod/to-us: transfer_spec.gcs_data_sink.bucket_name = ${google_storage_bucket.us-copy.location}",
      "gcp-prod/to-anywhere: transfer_spec.gcs_data_sink.bucket_name = someone-elses-bucket",
      "gcp-prod/to-disk: transfer_spec.posix_data_sink = a file system",
    ]);
    expect(found[1].reason).toContain('"US" (US multi-region, US) is outside what policy "eu" allows');
    expect(found[2].reason).toContain('"someone-elses-bucket" is not a known gcp location');
  });
});
