import { Construct } from "constructs";
import { RedisInstance } from "@cdktf/provider-google/lib/redis-instance";
import { GcpEnvironment } from "../../lib/environment";
import { CacheEndpoint, CacheSettings } from "../parts";
import { GcpNetwork } from "./network";

/**
 * Memorystore for Redis in the environment's region, reachable only through private service access
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

  constructor(scope: Construct, id: string, env: GcpEnvironment, net: GcpNetwork, settings: CacheSettings<GcpEnvironment>) {
    super(scope, id);
    const instance = new RedisInstance(this, "instance", {
      name: env.name,
      region: env.location,
      tier: settings.availability === "REGIONAL" ? "STANDARD_HA" : "BASIC",
      memorySizeGb: settings.memoryGb,
      redisVersion: "REDIS_7_2",
      authorizedNetwork: net.network.id,
      connectMode: "PRIVATE_SERVICE_ACCESS",
      authEnabled: true,
      transitEncryptionMode: "SERVER_AUTHENTICATION",
      labels: { environment: env.name },
      dependsOn: [net.privateServiceAccess],
    });
    // Not in the bindings (generated for an older provider); left unset, a destroy would always fail.
    instance.addOverride("deletion_protection", env.protect);
    this.host = instance.host;
    this.port = instance.port;
    this.password = instance.authString;
    this.caCertificate = instance.serverCaCerts.get(0).cert;
  }
}
