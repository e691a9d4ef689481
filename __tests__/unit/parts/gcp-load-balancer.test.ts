import { CloudRunV2Service } from "@cdktf/provider-google/lib/cloud-run-v2-service";
import { ComputeBackendService } from "@cdktf/provider-google/lib/compute-backend-service";
import { ComputeGlobalForwardingRule } from "@cdktf/provider-google/lib/compute-global-forwarding-rule";
import { ComputeManagedSslCertificate } from "@cdktf/provider-google/lib/compute-managed-ssl-certificate";
import { ComputeRegionNetworkEndpointGroup } from "@cdktf/provider-google/lib/compute-region-network-endpoint-group";
import { certificateName, GcpLoadBalancer } from "../../../constructs/gcp/load-balancer";
import { bareStack, referenceTo, synthesize } from "../../support/synthesized";

// GcpLoadBalancer alone: a global HTTPS load balancer for one domain in front of a Cloud Run service.
const stack = bareStack();
const service = new CloudRunV2Service(stack, "run", { name: "shop", location: "europe-west3", template: {} });
const lb = new GcpLoadBalancer(stack, "lb", { name: "shop", project: "acme-test-4711", location: "europe-west3", service, domain: "api.acme.eu" });
const { json, values } = synthesize(stack, { address: lb.address });
const ref = (type: string, attribute: string) => referenceTo(json, type, attribute);

test("a serverless endpoint group of the service, behind a global EXTERNAL_MANAGED backend", () => {
  expect(json).toHaveResourceWithProperties(ComputeRegionNetworkEndpointGroup, {
    name: "shop-run", region: "europe-west3", network_endpoint_type: "SERVERLESS", cloud_run: { service: ref("google_cloud_run_v2_service", "name") },
  });
  expect(json).toHaveResourceWithProperties(ComputeBackendService, {
    name: "shop", load_balancing_scheme: "EXTERNAL_MANAGED", protocol: "HTTPS", backend: [{ group: ref("google_compute_region_network_endpoint_group", "id") }],
  });
});

test("HTTPS only, on 443 of its own global address, which it exposes", () => {
  expect(json).toHaveResourceWithProperties(ComputeGlobalForwardingRule, {
    name: "shop-https", port_range: "443", load_balancing_scheme: "EXTERNAL_MANAGED",
    ip_address: ref("google_compute_global_address", "address"), target: ref("google_compute_target_https_proxy", "id"),
  });
  expect(json).not.toMatch(/google_compute_target_http_proxy"/);
  expect(values.address).toBe(ref("google_compute_global_address", "address"));
  expect(lb.domain).toBe("api.acme.eu");
});

test("a managed certificate for the domain, named after it, made before the one it replaces is deleted", () => {
  expect(json).toHaveResourceWithProperties(ComputeManagedSslCertificate, {
    name: certificateName("shop", ["api.acme.eu"]), managed: { domains: ["api.acme.eu"] }, lifecycle: { create_before_destroy: true },
  });
  expect(certificateName("shop", ["api.acme.eu"])).toMatch(/^shop-[0-9a-f]{8}$/);
  expect(certificateName("shop", ["www.acme.eu"])).not.toBe(certificateName("shop", ["api.acme.eu"]));
  expect(certificateName("x".repeat(80), ["api.acme.eu"]).length).toBe(63);
});

test("https_status says when HTTPS works and how to see it, with the project in the command", () => {
  const { output } = JSON.parse(json);
  expect(output.https_status.value).toBe(
    `https://api.acme.eu works once api.acme.eu resolves to ${ref("google_compute_global_address", "address")} and certificate ` +
    `${ref("google_compute_managed_ssl_certificate", "name")} is ACTIVE (gcloud compute ssl-certificates describe ` +
    `${ref("google_compute_managed_ssl_certificate", "name")} --global --project acme-test-4711 --format='value(managed.status)')`,
  );
});
