import { Construct } from "constructs";
import { RedisInstance } from "@cdktf/provider-google/lib/redis-instance";
import { CacheEndpoint } from "../parts";
import { GcpNetwork } from "./network";

export interface GcpCacheProps {
  /** The instance's name: the environment's name. */
  readonly name: string;
  /** The instance's region. */
  readonly location: string;
  /** The VPC the instance is reached from (over its private service access). */
  readonly network: GcpNetwork;
  /**
   * The instance's capacity.
   * @default 1
   */
  readonly memoryGb?: number;
  /**
   * REGIONAL (Standard tier) keeps a replica in a second zone and fails over to it; ZONAL (Basic) does not.
   * @default "ZONAL"
   */
  readonly availability?: "ZONAL" | "REGIONAL";
  /**
   * Deletion protection of the instance.
   * @default true
   */
  readonly protect?: boolean;
  /**
   * Labels of the instance.
   * @default none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Memorystore for Redis in the region, reachable only through private service access
 * (the peering Cloud SQL uses), with AUTH and in-transit encryption on: the app connects with
 * `rediss://` and trusts the instance's CA, given to it as REDIS_CA_CERT. REGIONAL keeps a replica in a
 * second zone (Standard tier).
 */
export class GcpCache extends Construct implements CacheEndpoint {
  readonly host: string;
  readonly port: number;
  readonly password: string;
  readonly tls = true;
  /** The instance's server CA (PEM): TLS clients verify the server with it. */
  readonly caCertificate: string;

  constructor(scope: Construct, id: string, props: GcpCacheProps) {
    super(scope, id);
    const net = props.network;
    const instance = new RedisInstance(this, "instance", {
      name: props.name,
      region: props.location,
      tier: props.availability === "REGIONAL" ? "STANDARD_HA" : "BASIC",
      memorySizeGb: props.memoryGb ?? 1,
      redisVersion: "REDIS_7_2",
      authorizedNetwork: net.network.id,
      connectMode: "PRIVATE_SERVICE_ACCESS",
      authEnabled: true,
      transitEncryptionMode: "SERVER_AUTHENTICATION",
      labels: props.labels,
      dependsOn: [net.privateServiceAccess],
    });
    // Not in the bindings (generated for an older provider); left unset, a destroy would always fail.
    instance.addOverride("deletion_protection", props.protect ?? true);
    this.host = instance.host;
    this.port = instance.port;
    this.password = instance.authString;
    this.caCertificate = instance.serverCaCerts.get(0).cert;
  }
}
