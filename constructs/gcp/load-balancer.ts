import { createHash } from "node:crypto";
import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { CloudRunV2Service } from "@cdktf/provider-google/lib/cloud-run-v2-service";
import { ComputeBackendService } from "@cdktf/provider-google/lib/compute-backend-service";
import { ComputeGlobalAddress } from "@cdktf/provider-google/lib/compute-global-address";
import { ComputeGlobalForwardingRule } from "@cdktf/provider-google/lib/compute-global-forwarding-rule";
import { ComputeManagedSslCertificate } from "@cdktf/provider-google/lib/compute-managed-ssl-certificate";
import { ComputeRegionNetworkEndpointGroup } from "@cdktf/provider-google/lib/compute-region-network-endpoint-group";
import { ComputeTargetHttpsProxy } from "@cdktf/provider-google/lib/compute-target-https-proxy";
import { ComputeUrlMap } from "@cdktf/provider-google/lib/compute-url-map";

export interface GcpLoadBalancerProps {
  /** Prefix of its resources' names: the environment's name. */
  readonly name: string;
  /** The project, named in the `https_status` output's command. */
  readonly project: string;
  /** The region of the Cloud Run service. */
  readonly location: string;
  /** The Cloud Run service it sends every request to. */
  readonly service: CloudRunV2Service;
  /** The name users reach the service at, and the certificate is for, e.g. api.acme.eu. */
  readonly domain: string;
}

/** A global external HTTPS load balancer in front of the Cloud Run service, with a Google-managed certificate. */
export class GcpLoadBalancer extends Construct {
  readonly domain: string;
  readonly address: string;

  constructor(scope: Construct, id: string, props: GcpLoadBalancerProps) {
    super(scope, id);
    const { name } = props;
    this.domain = props.domain;
    const neg = new ComputeRegionNetworkEndpointGroup(this, "neg", {
      name: `${name}-run`, region: props.location, networkEndpointType: "SERVERLESS", cloudRun: { service: props.service.name },
    });
    const backend = new ComputeBackendService(this, "backend", {
      name, loadBalancingScheme: "EXTERNAL_MANAGED", protocol: "HTTPS", backend: [{ group: neg.id }],
    });
    const urlMap = new ComputeUrlMap(this, "url-map", { name, defaultService: backend.id });
    // A certificate in use by the proxy cannot be deleted, and its domains cannot change in place: a new one
    // (its name follows its domains) is created, the proxy switched to it, and then the old one deleted.
    const domains = [this.domain];
    const certificate = new ComputeManagedSslCertificate(this, "certificate", {
      name: certificateName(name, domains), managed: { domains }, lifecycle: { createBeforeDestroy: true },
    });
    const proxy = new ComputeTargetHttpsProxy(this, "https-proxy", { name, urlMap: urlMap.id, sslCertificates: [certificate.id] });
    const address = new ComputeGlobalAddress(this, "address", { name });
    new ComputeGlobalForwardingRule(this, "https", {
      name: `${name}-https`, target: proxy.id, portRange: "443", ipAddress: address.address, loadBalancingScheme: "EXTERNAL_MANAGED",
    });
    this.address = address.address;
    new TerraformOutput(this, "https_status", {
      value: `https://${this.domain} works once ${this.domain} resolves to ${address.address} and certificate ${certificate.name} is ACTIVE ` +
        `(gcloud compute ssl-certificates describe ${certificate.name} --global --project ${props.project} --format='value(managed.status)')`,
      description: "Google provisions the managed certificate only after the domain resolves to the load balancer; that can take up to 60 minutes",
    }).overrideLogicalId("https_status");
  }
}

/** `<env>-<8 hex digits of the domains>`: a new name when the domains change (at most 63 characters). */
export function certificateName(envName: string, domains: readonly string[]): string {
  const hash = createHash("sha256").update([...domains].sort().join(",")).digest("hex").slice(0, 8);
  return `${envName.slice(0, 54)}-${hash}`;
}
