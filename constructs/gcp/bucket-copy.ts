import { Construct } from "constructs";
import { Token } from "cdktf";
import { DataGoogleStorageTransferProjectServiceAccount } from "@cdktf/provider-google/lib/data-google-storage-transfer-project-service-account";
import { StorageBucket } from "@cdktf/provider-google/lib/storage-bucket";
import { StorageBucketIamMember } from "@cdktf/provider-google/lib/storage-bucket-iam-member";
import { StorageTransferJob } from "@cdktf/provider-google/lib/storage-transfer-job";
import { privateBucket, suffixedBucketName } from "./bucket";

/** Time between two runs of the copy, for each `backups.schedule` (the transfer job runs at most hourly). */
const INTERVAL: Record<GcpBucketCopyProps["schedule"], string> = { hourly: "3600s", daily: "86400s", weekly: "604800s" };
/**
 * When the runs start: a fixed day in the past, so that the job's configuration is the same at every
 * synth (with a start in the past, the service makes the first run the day after the job is created).
 * A Sunday, at 03:00 UTC: after Cloud SQL's backups (02:00).
 */
const FIRST_RUN = { date: { year: 2025, month: 1, day: 5 }, time: { hours: 3, minutes: 0, seconds: 0, nanos: 0 } };

export interface GcpBucketCopyProps {
  /** The bucket copied. The copy is named after it (`<name>-offsite`, shortened to 63 characters) and has its labels. */
  readonly source: StorageBucket;
  /** Where the copy is kept: a GCS region or multi-region in the EU, other than the source's (`backups.offsite.location`). */
  readonly location: string;
  /** How often the objects are copied (`backups.schedule`). */
  readonly schedule: "hourly" | "daily" | "weekly";
  /** How long the copy keeps an object after it was deleted or replaced in the source (`backups.retentionDays`). */
  readonly retentionDays: number;
}

/**
 * The data bucket's objects, copied on the backup schedule to a bucket in a second EU location, so that
 * uploads outlive the loss of the source's location, a wiped bucket or a deleting app (whose account
 * has no access to the copy). A Storage Transfer Service job: each run copies what is new or changed
 * and deletes in the copy what is gone from the source (`delete_objects_unique_in_sink`), so that an
 * erasure (GDPR) reaches the copy too; the copy is versioned and keeps a deleted or replaced object's
 * old version for `retentionDays`, like the source, then deletes it. Never force-destroyed: removing
 * the copy takes a person emptying it first.
 */
export class GcpBucketCopy extends Construct {
  readonly bucket: StorageBucket;
  readonly job: StorageTransferJob;

  constructor(scope: Construct, id: string, props: GcpBucketCopyProps) {
    super(scope, id);
    const sourceName = props.source.nameInput;
    if (!sourceName || Token.isUnresolved(sourceName)) throw new Error(`${this.node.path}: the source bucket's name must be a literal: the copy is named after it`);
    this.bucket = new StorageBucket(this, "bucket", {
      name: suffixedBucketName(sourceName, "-offsite"),
      location: props.location,
      ...privateBucket({ versioning: true, noncurrentDays: props.retentionDays }),
      forceDestroy: false,
      labels: props.source.labelsInput,
    });

    // Google's service agent that runs the project's transfers; reading it creates it on first use. Read once
    // the copy exists: on a first deploy during the apply, so a plan of an environment not yet deployed makes
    // no agent in the project (and needs no Storage Transfer access) before anything it would copy exists.
    const agent = new DataGoogleStorageTransferProjectServiceAccount(this, "agent", { dependsOn: [this.bucket] });
    // What the agent needs, on these two buckets only: list and read the source, list, write and delete in the copy.
    const grants = [
      ["source-objects", props.source.name, "roles/storage.objectViewer"],
      ["source-bucket", props.source.name, "roles/storage.legacyBucketReader"],
      ["copy-bucket", this.bucket.name, "roles/storage.legacyBucketWriter"],
    ].map(([grantId, bucket, role]) => new StorageBucketIamMember(this, grantId, { bucket, role, member: agent.member }));

    this.job = new StorageTransferJob(this, "job", {
      description: `${sourceName} to ${props.location} (off-site copy, ${props.schedule})`,
      transferSpec: {
        gcsDataSource: { bucketName: props.source.name },
        gcsDataSink: { bucketName: this.bucket.name },
        transferOptions: { deleteObjectsUniqueInSink: true },
      },
      schedule: { scheduleStartDate: FIRST_RUN.date, startTimeOfDay: FIRST_RUN.time, repeatInterval: INTERVAL[props.schedule] },
      // The service checks its access to both buckets when the job is created.
      dependsOn: grants,
    });
  }
}
