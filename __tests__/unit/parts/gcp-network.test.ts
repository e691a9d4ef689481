import { Testing } from "cdktf";
import { ComputeFirewall } from "@cdktf/provider-google/lib/compute-firewall";
import { ComputeGlobalAddress } from "@cdktf/provider-google/lib/compute-global-address";
import { ComputeNetwork } from "@cdktf/provider-google/lib/compute-network";
import { ComputeSubnetwork } from "@cdktf/provider-google/lib/compute-subnetwork";
import { ServiceNetworkingConnection } from "@cdktf/provider-google/lib/service-networking-connection";
import { GcpNetwork } from "../../../constructs/gcp/network";
import { NETWORK, testNetwork } from "../../support/gcp-parts";
import { bareStack, onlyResource, referenceTo, resourcesOf } from "../../support/synthesized";

// GcpNetwork alone: the VPC, the subnet Cloud Run's private traffic goes through, the peering range of
// Cloud SQL and Memorystore, a firewall that lets nothing in, and the runtime identity the parts grant to.
const stack = bareStack();
const net = testNetwork(stack);
const json = Testing.synth(stack);
const suffix = referenceTo(json, "random_id", "hex");

test("names carry the name and a random suffix, so a destroyed environment can be made again at once", () => {
  expect(json).toHaveResourceWithProperties(ComputeNetwork, { name: `shop-${suffix}`, auto_create_subnetworks: false });
  expect(json).toHaveResourceWithProperties(ComputeSubnetwork, { name: `shop-run-${suffix}` });
  expect(onlyResource(json, "random_id")[1]).toEqual({ byte_length: 2 });
  expect(net.suffix).toMatch(/^\$\{TfToken\[/);
});

test("the subnet is in the location, reaches Google's APIs privately, and logs a sample of its flows", () => {
  expect(json).toHaveResourceWithProperties(ComputeSubnetwork, {
    region: "europe-west3", ip_cidr_range: "10.8.0.0/24", private_ip_google_access: true,
    network: referenceTo(json, "google_compute_network", "id"),
    log_config: { aggregation_interval: "INTERVAL_10_MIN", flow_sampling: 0.5, metadata: "INCLUDE_ALL_METADATA" },
  });
});

test("private service access: a /20 peering range, updated on a half-made create, the peering removed on destroy", () => {
  const range = onlyResource(json, "google_compute_global_address")[0];
  expect(json).toHaveResourceWithProperties(ComputeGlobalAddress, { name: "shop-sql", purpose: "VPC_PEERING", address_type: "INTERNAL", prefix_length: 20 });
  expect(json).toHaveResourceWithProperties(ServiceNetworkingConnection, {
    service: "servicenetworking.googleapis.com", reserved_peering_ranges: [`\${google_compute_global_address.${range}.name}`],
    update_on_creation_fail: true, deletion_policy: "REMOVE_PEERING",
  });
});

test("the firewall denies all ingress, last and logged", () => {
  expect(json).toHaveResourceWithProperties(ComputeFirewall, {
    name: "shop-deny-all-ingress", direction: "INGRESS", priority: 65000, source_ranges: ["0.0.0.0/0"], deny: [{ protocol: "all" }],
    log_config: { metadata: "INCLUDE_ALL_METADATA" },
  });
  expect(resourcesOf(json, "google_compute_firewall")).toHaveLength(1); // and no rule that allows anything
});

test("the runtime identity is the bootstrap's account of the name in the project, named, not created", () => {
  expect(net.runtimeAccount).toMatchObject({ email: "shop-run@acme-test-4711.iam.gserviceaccount.com", member: "serviceAccount:shop-run@acme-test-4711.iam.gserviceaccount.com" });
  expect(json).not.toMatch(/google_service_account"/);
  const long = new GcpNetwork(bareStack(), "network", { ...NETWORK, name: "a-very-long-environment-name-indeed" });
  expect(long.runtimeAccount.email).toBe("a-very-long-environment-name-i@acme-test-4711.iam.gserviceaccount.com"); // account ids: at most 30
});
