import { TerraformStack } from "cdktf";
import { runtimeAccount } from "../../constructs/gcp/names";
import { GcpNetwork, GcpNetworkProps } from "../../constructs/gcp/network";

export const NETWORK: GcpNetworkProps = { name: "shop", project: "acme-test-4711", location: "europe-west3" };

/** The identity the service runs as, in NETWORK's project (GcpNetwork's runtimeAccount). */
export const RUNTIME_ACCOUNT = runtimeAccount(NETWORK);

/** The network the parts that need one are wired to. */
export const testNetwork = (stack: TerraformStack) => new GcpNetwork(stack, "network", NETWORK);
