import { Construct } from "constructs";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Password } from "@cdktf/provider-random/lib/password";
import { DockerEnvironment } from "../../lib/environment";
import { BucketEndpoint } from "../parts";
import { healthcheck, serviceContainer } from "./container";
import { dockerImage } from "./image";
import { DockerNetworks } from "./network";
import { dockerLabels, dockerNames } from "./names";
import { dataVolume } from "./volume";

const PORT = 7070;
/** S3 signing region; the data is wherever the Docker host is. */
const REGION = "us-east-1";

/**
 * An S3-compatible object store on the internal network, with the environment's buckets.
 *
 * The store is VersityGW (Apache-2.0, actively maintained, one static Go binary serving S3 over a
 * plain directory). Its buckets are created by a one-shot container that Terraform runs once the
 * store is healthy: an S3 bucket resource (e.g. the minio provider's) would need a published port
 * to reach the store, and on `destroy` would either fail on a non-empty bucket or delete the data.
 * Destroying this resource removes the container and keeps the buckets.
 */
export class DockerObjectStore extends Construct implements BucketEndpoint {
  readonly name: string;
  readonly backupBucket: string;
  readonly endpoint = `http://objectstore:${PORT}`;
  readonly region = REGION;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;

  constructor(scope: Construct, id: string, env: DockerEnvironment, net: DockerNetworks) {
    super(scope, id);
    const names = dockerNames(env);
    this.name = names.dataBucket;
    this.backupBucket = names.backupBucket;
    this.accessKeyId = new Password(this, "access-key", { length: 20, special: false, lower: false }).result;
    this.secretAccessKey = new Password(this, "secret-key", { length: 40, special: false }).result;

    const store = serviceContainer(this, "container", env, {
      name: names.objectStore,
      image: dockerImage(this, "image", env.images.objectStore).imageId,
      alias: "objectstore",
      networks: [net.internal],
      env: [`ROOT_ACCESS_KEY=${this.accessKeyId}`, `ROOT_SECRET_KEY=${this.secretAccessKey}`, `VGW_REGION=${this.region}`],
      volumes: [{ volumeName: dataVolume(this, "data", env, names.objectStoreVolume), containerPath: "/data" }],
      healthcheck: healthcheck(["CMD", "/usr/local/bin/httpcheck", `http://127.0.0.1:${PORT}/health`]),
    });

    // `backup ensure-bucket` (the backup image's S3 client) creates a bucket unless it exists.
    const ensure = [this.name, this.backupBucket].map((b) => `S3_BUCKET=${b} backup ensure-bucket`).join(" && ");
    const buckets = new Container(this, "buckets", {
      name: `${env.name}-buckets`,
      image: dockerImage(this, "client-image", env.images.backup).imageId,
      entrypoint: ["sh", "-c", ensure],
      env: this.clientEnv(),
      networksAdvanced: [{ name: net.internal.name }],
      labels: dockerLabels(env),
      mustRun: false,
      attach: true,
      logs: true,
      dependsOn: [store],
    });
    buckets.addOverride("lifecycle.postcondition", [{
      condition: "${self.exit_code == 0}",
      error_message: "Creating the buckets failed: see the logs of the buckets container (docker logs <env>-buckets).",
    }]);
  }

  /** The environment an S3 client on the internal network needs (endpoint and credentials). */
  clientEnv(): string[] {
    return [
      `S3_ENDPOINT=${this.endpoint}`, `S3_REGION=${this.region}`,
      `S3_ACCESS_KEY_ID=${this.accessKeyId}`, `S3_SECRET_ACCESS_KEY=${this.secretAccessKey}`,
    ];
  }
}
