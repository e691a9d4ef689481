import { Construct } from "constructs";
import { CloudRunV2Service } from "@cdktf/provider-google/lib/cloud-run-v2-service";
import { GcpEnvironment } from "../../lib/environment";
import { AppEnvironment } from "../app-environment";
import { ServiceEndpoint } from "../parts";
import { GcpApp } from "./app";
import { GcpLoadBalancer } from "./load-balancer";
import { GcpNetwork } from "./network";
import { GcpRelease } from "./release";
import { GcpWorkers } from "./workers";

/**
 * The app on Cloud Run (v2): its own service account, startup and liveness probes on the health path
 * (checked by the platform, so any image works), private egress into the VPC (Direct VPC egress) for
 * Cloud SQL and Memorystore, and its secrets from Secret Manager; its release command as a job run
 * before a new revision is deployed, and its workers as worker pools. With a DNS record it is reached
 * only through a global HTTPS load balancer (Cloud Run domain mappings are preview and not offered in
 * every region), its run.app URL switched off; without one, at its run.app URL. A public service is open to
 * anyone by switching off Cloud Run's invoker check, not by granting `allUsers` the invoker role.
 */
export class GcpService extends Construct implements ServiceEndpoint {
  readonly url: string;
  readonly publicIpv4: readonly string[];
  readonly publicIpv6: readonly string[] = [];

  constructor(scope: Construct, id: string, env: GcpEnvironment, deps: { net: GcpNetwork; app: AppEnvironment }) {
    super(scope, id);
    const app = new GcpApp(this, "app", env, deps.net, deps.app);
    const release = env.service.release ? [new GcpRelease(this, "release", env, app, env.service.release.command).job] : [];
    new GcpWorkers(this, "workers", env, app, release);

    const probe = { httpGet: { path: env.service.healthPath, port: env.service.port }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 };
    const publicViaLoadBalancer = env.service.ingress === "all" && env.dns !== undefined;
    const service = new CloudRunV2Service(this, "service", {
      name: env.name,
      location: env.location,
      // Holds no data (protect guards the database and the buckets), and with deletion protection a service
      // whose first create failed (its image not pushed yet, a slow first start) is left tainted, and can then
      // be neither replaced nor destroyed until the protection is switched off by hand.
      deletionProtection: false,
      ingress: env.service.ingress === "internal" ? "INGRESS_TRAFFIC_INTERNAL_ONLY"
        : publicViaLoadBalancer ? "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER" : "INGRESS_TRAFFIC_ALL",
      labels: { environment: env.name },
      // A public API: anyone may invoke it (ingress still decides through which front door). Switching off
      // the invoker IAM check is Google's way for that: an `allUsers` binding is refused where domain-restricted
      // sharing is on (the default for organizations created since May 2024), and a binding is lost when the
      // service is replaced. Internal ingress keeps the check: callers need roles/run.invoker, granted by no one here.
      invokerIamDisabled: env.service.ingress === "all",
      template: {
        serviceAccount: app.serviceAccount,
        scaling: { minInstanceCount: env.service.replicas, maxInstanceCount: Math.max(env.service.maxInstances, env.service.replicas) },
        vpcAccess: app.vpcAccess,
        containers: [{
          ...app.container(env.service.command, { cpu: env.service.cpu, memory: env.service.memory }),
          ports: { containerPort: env.service.port },
          startupProbe: { ...probe, failureThreshold: Math.ceil(env.service.startTimeoutSeconds / probe.periodSeconds) },
          livenessProbe: probe,
        }],
      },
      // Cloud Run checks at deploy that the secrets' versions exist and that the service account may
      // read them (DATABASE_URL's version waits for Cloud SQL); a new revision waits for the release.
      dependsOn: [...app.readable, ...release],
    });

    if (publicViaLoadBalancer) {
      // Ingress already refuses the internet at the run.app URL, but it still answers from inside Google's
      // network and the VPC: switched off, the load balancer is the only way in. (The prebuilt bindings
      // predate the attribute; the provider built here has it.)
      service.addOverride("default_uri_disabled", true);
      const lb = new GcpLoadBalancer(this, "load-balancer", env, service);
      this.url = `https://${lb.domain}`;
      this.publicIpv4 = [lb.address];
    } else {
      this.url = service.uri;
      this.publicIpv4 = [];
    }
  }
}
