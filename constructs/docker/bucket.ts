import { Construct } from "constructs";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Password } from "@cdktf/provider-random/lib/password";
import { BucketEndpoint, S3Access } from "../parts";
import { healthcheck, serviceContainer } from "./container";
import { DataPartProps } from "./database";
import { dockerImage } from "./image";
import { dockerNames } from "./names";
import { dataVolume } from "./volume";

const PORT = 7070;
/** S3 signing region; the data is wherever the Docker host is. */
const REGION = "us-east-1";

export interface DockerBucketsProps extends DataPartProps {
  /**
   * Whether it holds the app's bucket, `<name>-data` (the environment has a `bucket`).
   * @default true
   */
  readonly dataBucket?: boolean;
  /**
   * Whether it holds the dumps' bucket, `<name>-backups` (the environment has a database).
   * @default true
   */
  readonly backupBucket?: boolean;
}

/**
 * The environment's buckets: the app's (`bucket`) and the database dumps' (with a database), in an
 * S3-compatible object store of their own on the internal network. One per environment, made when a
 * part first asks for it.
 *
 * The store is VersityGW (Apache-2.0, actively maintained, one static Go binary serving S3 over a
 * plain directory). Its buckets are created by the containers that use them, with the backup image's S3
 * client (`backup ensure-bucket`): the app's by the `ready` step of each release, the dumps' by the
 * backup sidecar. An S3 bucket resource would need a published port to reach the store, and on
 * `destroy` would either fail on a non-empty bucket or delete the data. Destroying the environment
 * removes the store's container and keeps the buckets (with `protect`).
 */
export class DockerBuckets extends Construct implements S3Access {
  readonly endpoint = `http://objectstore:${PORT}`;
  readonly region = REGION;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** The app's bucket, when the environment has one. */
  readonly dataBucket?: string;
  /** The dumps' bucket, when the environment has a database. */
  readonly backupBucket?: string;
  /** The store's container, created once it answers. */
  readonly container: Container;

  /** The environment's buckets in `scope` (the backend), made on first use. */
  static of(scope: Construct, props: DockerBucketsProps): DockerBuckets {
    const existing = scope.node.tryFindChild("bucket");
    return existing instanceof DockerBuckets ? existing : new DockerBuckets(scope, "bucket", props);
  }

  private constructor(scope: Construct, id: string, props: DockerBucketsProps) {
    super(scope, id);
    const { name } = props;
    const names = dockerNames(name);
    if (props.dataBucket ?? true) this.dataBucket = names.dataBucket;
    if (props.backupBucket ?? true) this.backupBucket = names.backupBucket;
    this.accessKeyId = new Password(this, "access-key", { length: 20, special: false, lower: false }).result;
    this.secretAccessKey = new Password(this, "secret-key", { length: 40, special: false }).result;

    this.container = serviceContainer(this, "container", {
      environment: name,
      name: names.objectStore,
      image: dockerImage(this, "image", props.image).imageId,
      alias: "objectstore",
      role: "objectstore",
      networks: [props.network.internal],
      env: [`ROOT_ACCESS_KEY=${this.accessKeyId}`, `ROOT_SECRET_KEY=${this.secretAccessKey}`, `VGW_REGION=${this.region}`],
      volumes: [{ volumeName: dataVolume(this, "data", { name: names.objectStoreVolume, environment: name, protect: props.protect }), containerPath: "/data" }],
      healthcheck: healthcheck(["CMD", "/usr/local/bin/httpcheck", `http://127.0.0.1:${PORT}/health`]),
    });
  }

  /** The app's bucket as the app reaches it. */
  bucket(): BucketEndpoint {
    if (!this.dataBucket) throw new Error("this environment has no bucket (bucket: false)");
    const { endpoint, region, accessKeyId, secretAccessKey } = this;
    return { name: this.dataBucket, endpoint, region, accessKeyId, secretAccessKey };
  }

  /** The environment an S3 client on the internal network needs (endpoint and credentials). */
  clientEnv(): string[] {
    return s3ClientEnv(this);
  }
}

/** The variables the backup image's S3 client reads (images/backup/backup.sh): endpoint, region and keys. */
export function s3ClientEnv(access: S3Access): string[] {
  return [
    `S3_ENDPOINT=${access.endpoint}`, `S3_REGION=${access.region}`,
    `S3_ACCESS_KEY_ID=${access.accessKeyId}`, `S3_SECRET_ACCESS_KEY=${access.secretAccessKey}`,
  ];
}
