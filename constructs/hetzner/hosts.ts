import { Construct } from "constructs";
import { DataTerraformRemoteState } from "cdktf";
import { DockerHost } from "../docker/host";
import { DockerNetworks } from "../docker/network";
import { BucketEndpoint, S3Access } from "../parts";
import { privateAddresses } from "./addresses";
import { HetznerBucketsProps, objectStorageKeys } from "./bucket";
import { OffsiteStore } from "../docker/backups";
import { MACHINE_OUTPUTS } from "./outputs";

/** One of the environment's servers as the containers' stack deploys to it. */
export interface ServerEngine {
  /** The Docker resources in it go to this server's engine. */
  readonly host: DockerHost;
  /** Its Docker networks (internal, edge). */
  readonly network: DockerNetworks;
  /** Its address on the private network, where other servers reach what it publishes. */
  readonly privateIp: string;
}

export interface HetznerHostsProps {
  /** Prefix of its servers' Docker networks' names (DockerNetworks), and their ENVIRONMENT_LABEL: the environment's name. */
  readonly name: string;
  /** Reads the machines' stack's state, where its outputs are (MACHINE_OUTPUTS). */
  readonly machinesState: (scope: Construct, id: string) => DataTerraformRemoteState;
  /** The private network's range the machines were given: where each server is on it (privateAddresses). */
  readonly cidr: string;
  /**
   * Whether the machines include a data server.
   * @default false
   */
  readonly dataServer?: boolean;
  /**
   * How many app servers the machines have.
   * @default 1
   */
  readonly appServers?: number;
  /** The buckets the machines' stack made, as it was given them: their names (where they are is read from its outputs). */
  readonly buckets: HetznerBucketsProps;
}

/** Object Storage as the containers reach it, and the buckets there. */
export interface HetznerObjectStorage extends S3Access {
  readonly dataBucket?: string;
  readonly backupBucket?: string;
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
  /** Object Storage as the containers reach it, when the machines' stack made an app's or a backup bucket. */
  readonly storage?: HetznerObjectStorage;
  /**
   * The off-site store the machines' stack made (Object Storage in another location), with the same keys;
   * undefined when it made none (the environment file names its own store, or has none).
   */
  readonly offsite?: OffsiteStore;
  private readonly name: string;

  constructor(scope: Construct, id: string, props: HetznerHostsProps) {
    super(scope, id);
    this.name = props.name;
    this.machines = props.machinesState(this, "machines");
    const addresses = privateAddresses(props.cidr);
    this.data = props.dataServer ? this.engine("data", addresses.database) : undefined;
    this.apps = Array.from({ length: props.appServers ?? 1 }, (_, i) => this.engine(`app-${i + 1}`, addresses.app(i + 1)));
    const { dataBucket, backupBucket, offsite } = props.buckets;
    if (dataBucket || backupBucket) {
      // The endpoint as the machines' stack made the buckets there (a stand-in's, in the tests).
      this.storage = {
        dataBucket: dataBucket?.name, backupBucket, ...objectStorageKeys(this),
        endpoint: this.output(MACHINE_OUTPUTS.objectStorageEndpoint), region: this.output(MACHINE_OUTPUTS.objectStorageRegion),
      };
      if (offsite) {
        this.offsite = {
          bucket: offsite.bucket, endpoint: this.output(MACHINE_OUTPUTS.offsiteEndpoint), region: this.output(MACHINE_OUTPUTS.offsiteRegion),
          accessKeyId: this.storage.accessKeyId, secretAccessKey: this.storage.secretAccessKey,
        };
      }
    }
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

  private engine(name: string, privateIp: string): ServerEngine {
    const host = new DockerHost(this, name, { url: this.output(MACHINE_OUTPUTS.ssh(name)), knownHosts: this.output(MACHINE_OUTPUTS.knownHosts(name)) });
    return { host, network: new DockerNetworks(host, "network", { name: this.name }), privateIp };
  }
}
