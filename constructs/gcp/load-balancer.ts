import { Construct } from "constructs";
import { CloudRunV2Service } from "@cdktf/provider-google/lib/cloud-run-v2-service";
import { ComputeBackendService } from "@cdktf/provider-google/lib/compute-backend-service";
import { ComputeGlobalAddress } from "@cdktf/provider-google/lib/compute-global-address";
import { ComputeGlobalForwardingRule } from "@cdktf/provider-google/lib/compute-global-forwarding-rule";
import { ComputeManagedSslCertificate } from "@cdktf/provider-google/lib/compute-managed-ssl-certificate";
import { ComputeRegionNetworkEndpointGroup } from "@cdktf/provider-google/lib/compute-region-network-endpoint-group";
import { ComputeTargetHttpsProxy } from "@cdktf/provider-google/lib/compute-target-https-proxy";
import { ComputeUrlMap } from "@cdktf/provider-google/lib/compute-url-map";
import { GcpEnvironment } from "../../lib/environment";

/** A global external HTTPS load balancer in front of the Cloud Run service, with a Google-managed certificate. */
export class GcpLoadBalancer extends Construct {
  readonly domain: string;
  readonly address: string;

  constructor(scope: Construct, id: string, env: GcpEnvironment, service: CloudRunV2Service) {
    super(scope, id);
    const dns = env.dns!;
    this.domain = dns.record === "@" ? dns.zone : `${dns.record}.${dns.zone}`;
    const neg = new ComputeRegionNetworkEndpointGroup(this, "neg", {
      name: `${env.name}-run`, region: env.location, networkEndpointType: "SERVERLESS", cloudRun: { service: service.name },
    });
    const backend = new ComputeBackendService(this, "backend", {
      name: env.name, loadBalancingScheme: "EXTERNAL_MANAGED", protocol: "HTTPS", backend: [{ group: neg.id }],
    });
    const urlMap = new ComputeUrlMap(this, "url-map", { name: env.name, defaultService: backend.id });
    const certificate = new ComputeManagedSslCertificate(this, "certificate", { name: env.name, managed: { domains: [this.domain] } });
    const proxy = new ComputeTargetHttpsProxy(this, "https-proxy", { name: env.name, urlMap: urlMap.id, sslCertificates: [certificate.id] });
    const address = new ComputeGlobalAddress(this, "address", { name: env.name });
    new ComputeGlobalForwardingRule(this, "https", {
      name: `${env.name}-https`, target: proxy.id, portRange: "443", ipAddress: address.address, loadBalancingScheme: "EXTERNAL_MANAGED",
    });
    this.address = address.address;
  }
}
