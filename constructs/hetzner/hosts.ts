import { Construct } from "constructs";
import { DataTerraformRemoteState } from "cdktf";
import { HetznerEnvironment } from "../../lib/environment";
import { DockerHost } from "../docker/host";
import { DockerNetworks } from "../docker/network";
import { remoteState } from "../state-backend";
import { BucketEndpoint, S3Access } from "../parts";
import { privateAddresses } from "./addresses";
import { objectStorage, objectStorageKeys } from "./bucket";
import { hasDataServer } from "./machines";
import { OffsiteStore } from "../docker/backups";
import { MACHINE_OUTPUTS } from "./outputs";

/** One of the environment's servers as the containers' stack deploys to it. */
export interface ServerEngine {
  /** The Docker resources in it go to this server's engine. */
  readonly host: DockerHost;
  /** Its Docker networks (internal, edge). */
  readonly net: DockerNetworks;
  /** Its address on the private network, where other servers reach what it publishes. */
  readonly privateIp: string;
}

/**
 * The Docker engines of a Hetzner environment's servers, in the containers' stack: their ssh addresses
 * and host keys read from the machines' stack's state (MACHINE_OUTPUTS), one DockerHost each, with the
 * same networks as a Docker host of the Docker target; and Object Storage, where that stack made the
 * buckets. The data server runs Postgres, Redis, the backups, the release command and the workers; each
 * app server, a replica and its proxy.
 */
export class HetznerHosts extends Construct {
  /** The machines' stack's outputs. */
  readonly machines: DataTerraformRemoteState;
  readonly data?: ServerEngine;
  readonly apps: readonly ServerEngine[];
  /** Object Storage as the containers reach it, when the environment has a bucket or backups. */
  readonly storage?: S3Access & ReturnType<typeof objectStorage>;

  constructor(scope: Construct, id: string, env: HetznerEnvironment) {
    super(scope, id);
    this.machines = remoteState(this, "machines", env, "main");
    const addresses = privateAddresses(env.network.cidr);
    this.data = hasDataServer(env) ? this.engine(env, "data", addresses.database) : undefined;
    this.apps = Array.from({ length: env.service.replicas }, (_, i) => this.engine(env, `app-${i + 1}`, addresses.app(i + 1)));
    const buckets = objectStorage(env);
    if (buckets.dataBucket || buckets.backupBucket) {
      // The endpoint as the machines' stack made the buckets there (a stand-in's, in the tests).
      this.storage = {
        ...buckets, ...objectStorageKeys(this),
        endpoint: this.output(MACHINE_OUTPUTS.objectStorageEndpoint), region: this.output(MACHINE_OUTPUTS.objectStorageRegion),
      };
    }
  }

  /**
   * The off-site store the machines' stack made (Object Storage in another location), with the same keys;
   * undefined when the environment file names its own or has none.
   */
  offsite(env: HetznerEnvironment): OffsiteStore | undefined {
    const offsite = objectStorage(env).offsite;
    if (!offsite || !this.storage) return undefined;
    return {
      bucket: offsite.bucket, endpoint: this.output(MACHINE_OUTPUTS.offsiteEndpoint), region: this.output(MACHINE_OUTPUTS.offsiteRegion),
      accessKeyId: this.storage.accessKeyId, secretAccessKey: this.storage.secretAccessKey,
    };
  }

  /** The app's bucket as the app reaches it. */
  bucket(): BucketEndpoint {
    if (!this.storage?.dataBucket) throw new Error("this environment has no bucket (bucket: false)");
    return { ...this.storage, name: this.storage.dataBucket };
  }

  /** Where the release command and the workers run: the data server, or the first app server without one. */
  get main(): ServerEngine {
    return this.data ?? this.apps[0];
  }

  /** One of the machines' stack's outputs (MACHINE_OUTPUTS). */
  output(name: string): string {
    return this.machines.getString(name);
  }

  private engine(env: HetznerEnvironment, name: string, privateIp: string): ServerEngine {
    const host = new DockerHost(this, name, { url: this.output(MACHINE_OUTPUTS.ssh(name)), knownHosts: this.output(MACHINE_OUTPUTS.knownHosts(name)) });
    return { host, net: new DockerNetworks(host, "network", env), privateIp };
  }
}
