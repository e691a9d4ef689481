import { Construct } from "constructs";
import { ComputeFirewall } from "@cdktf/provider-google/lib/compute-firewall";
import { ComputeGlobalAddress } from "@cdktf/provider-google/lib/compute-global-address";
import { ComputeNetwork } from "@cdktf/provider-google/lib/compute-network";
import { ComputeSubnetwork } from "@cdktf/provider-google/lib/compute-subnetwork";
import { ServiceNetworkingConnection } from "@cdktf/provider-google/lib/service-networking-connection";
import { reservedNameSuffix, runtimeAccount } from "./names";

/**
 * VPC flow logs of the subnet: who talked to whom inside the VPC (Cloud Run to Cloud SQL and Memorystore),
 * for investigating an incident. Half of the flows, aggregated over 10 minutes: enough to see every
 * pair of endpoints that talks regularly, at a fraction of the volume (and cost) of every flow every 5 s.
 * With the metadata: the subnet carries only private traffic (egress to private ranges; the service is
 * reached through Google's front end, not the VPC), so it names this project's own resources (which
 * revision held an address, which instance it reached), never an end user or their location, and it
 * is what ties an address, reused within minutes, to the revision that had it.
 */
const FLOW_LOGS = { aggregationInterval: "INTERVAL_10_MIN", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" };

export interface GcpNetworkProps {
  /** Prefix of the network's resource names: the environment's name. */
  readonly name: string;
  /** The project the service's runtime identity belongs to (names.ts, runtimeAccount; made by the bootstrap). */
  readonly project: string;
  /** The region of the subnet the service's private traffic goes through. */
  readonly location: string;
}

/**
 * A VPC for the backend: a subnet Cloud Run sends its private traffic through (Direct VPC egress),
 * and a peering range where Cloud SQL gets its private address. The firewall denies all ingress
 * explicitly (logged): Cloud Run is reached through Google's front end and Cloud SQL over the
 * peering, so nothing needs to come into the VPC. The subnet's flows are logged (sampled, FLOW_LOGS).
 * Its names, and those of the other parts Google reserves after a delete, carry `suffix` (names.ts).
 */
export class GcpNetwork extends Construct {
  readonly network: ComputeNetwork;
  readonly subnet: ComputeSubnetwork;
  readonly privateServiceAccess: ServiceNetworkingConnection;
  /** The identity the service runs as (made by the bootstrap): granted only what the parts give it (secret access, its bucket). */
  readonly runtimeAccount: { email: string; member: string };
  /** Appended to the names Google keeps reserved after a delete (names.ts). */
  readonly suffix: string;

  constructor(scope: Construct, id: string, props: GcpNetworkProps) {
    super(scope, id);
    const { name } = props;
    this.suffix = reservedNameSuffix(this);
    this.runtimeAccount = runtimeAccount(props);
    this.network = new ComputeNetwork(this, "vpc", { name: `${name}-${this.suffix}`, autoCreateSubnetworks: false });
    this.subnet = new ComputeSubnetwork(this, "subnet", {
      name: `${name}-run-${this.suffix}`, region: props.location, network: this.network.id, ipCidrRange: "10.8.0.0/24", privateIpGoogleAccess: true,
      logConfig: FLOW_LOGS,
    });
    const range = new ComputeGlobalAddress(this, "sql-range", {
      name: `${name}-sql`, purpose: "VPC_PEERING", addressType: "INTERNAL", prefixLength: 20, network: this.network.id,
    });
    this.privateServiceAccess = new ServiceNetworkingConnection(this, "sql-peering", {
      network: this.network.id, service: "servicenetworking.googleapis.com", reservedPeeringRanges: [range.name],
      // A first create that fails intermittently can leave the connection half made; the retry is then refused
      // with "Cannot modify allocated ranges in CreateConnection": with this, the provider updates the existing
      // connection's ranges instead.
      updateOnCreationFail: true,
      // Destroy: Cloud SQL keeps a deleted instance's resources for days (so it can be restored), and until then
      // deleting the connection fails with "Producer services … are still using this connection". REMOVE_PEERING
      // (the provider built here has it) then removes the VPC peering instead, so the network can be deleted too;
      // ABANDON would only drop the connection from the state and leave the peering, which blocks deleting the
      // network. Safe here: the database and the cache depend on the connection, so they are gone by then.
      deletionPolicy: "REMOVE_PEERING",
    });
    new ComputeFirewall(this, "deny-ingress", {
      name: `${name}-deny-all-ingress`, network: this.network.id, direction: "INGRESS", priority: 65000,
      sourceRanges: ["0.0.0.0/0"], deny: [{ protocol: "all" }], logConfig: { metadata: "INCLUDE_ALL_METADATA" },
    });
  }
}
