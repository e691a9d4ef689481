import { Construct } from "constructs";
import { CloudRunV2Service } from "@cdktf/provider-google/lib/cloud-run-v2-service";
import { AppEnvironment } from "../app-environment";
import { ServiceEndpoint } from "../parts";
import { GcpApp } from "./app";
import { GcpLoadBalancer } from "./load-balancer";
import { GcpNetwork } from "./network";
import { GcpRelease } from "./release";
import { GcpWorker, GcpWorkers } from "./workers";

export interface GcpServiceProps {
  /** Prefix of its resources' names (the service's own is `<name>`): the environment's name. */
  readonly name: string;
  /** The project (named in the load balancer's `https_status` output). */
  readonly project: string;
  /** The region the service, its workers and its release job run in, and its secrets are kept in. */
  readonly location: string;
  /** The way into the VPC (Direct VPC egress, for Cloud SQL and Memorystore) and the identity it runs as. */
  readonly network: GcpNetwork;
  /** The app's image (`service.image`). */
  readonly image: string;
  /** The variables the service, its workers and its release command receive (app-environment.ts); the service listens on its `port`. */
  readonly variables: AppEnvironment;
  /**
   * The service's command (`service.command`; Cloud Run's args, the image's entrypoint stays).
   * @default the image's own
   */
  readonly command?: readonly string[];
  /**
   * The path the app answers 2xx on when healthy (`service.healthPath`): the startup and liveness probes.
   * @default "/healthz"
   */
  readonly healthPath?: string;
  /**
   * How long a new instance has to answer its health path before the deploy fails (`service.startTimeoutSeconds`; Cloud Run allows 240 s).
   * @default 120
   */
  readonly startTimeoutSeconds?: number;
  /**
   * Instances kept warm (`service.replicas`; 0 scales to zero).
   * @default 1
   */
  readonly replicas?: number;
  /**
   * The most instances it scales to (at least `replicas`).
   * @default 10
   */
  readonly maxInstances?: number;
  /**
   * CPUs of each instance, the workers' and the release job's too.
   * @default "1"
   */
  readonly cpu?: string;
  /**
   * Memory of each instance, the workers' and the release job's too.
   * @default "512Mi"
   */
  readonly memory?: string;
  /**
   * Who may reach it: everyone (with no invoker check), or internal traffic only (callers need roles/run.invoker).
   * @default "all"
   */
  readonly ingress?: "all" | "internal";
  /**
   * A public service's name (a DNS record): it is then reached only through a global HTTPS load balancer
   * with a managed certificate for it, its run.app URL switched off.
   * @default none: the run.app URL
   */
  readonly domain?: string;
  /**
   * Run to completion once per release (`service.release`), as a Cloud Run job, before the new version takes traffic (migrations).
   * @default none
   */
  readonly releaseCommand?: { readonly command: readonly string[] };
  /**
   * The workers, by name (`workers`; a short DNS label): one worker pool each.
   * @default none
   */
  readonly workers?: Readonly<Record<string, GcpWorker>>;
  /**
   * Labels of the service, its workers, its release job and its secrets.
   * @default none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * The app on Cloud Run (v2): its own service account, startup and liveness probes on the health path
 * (checked by the platform, so any image works), private egress into the VPC (Direct VPC egress) for
 * Cloud SQL and Memorystore, and its secrets from Secret Manager; its release command as a job run
 * before a new revision is deployed, and its workers as worker pools. With a DNS record it is reached
 * only through a global HTTPS load balancer (`domain`; Cloud Run domain mappings are preview and not offered in
 * every region), its run.app URL switched off; without one, at its run.app URL. A public service is open to
 * anyone by switching off Cloud Run's invoker check, not by granting `allUsers` the invoker role.
 */
export class GcpService extends Construct implements ServiceEndpoint {
  readonly url: string;
  readonly publicIpv4: readonly string[];
  readonly publicIpv6: readonly string[] = [];

  constructor(scope: Construct, id: string, props: GcpServiceProps) {
    super(scope, id);
    const { name, location, labels } = props;
    const workers = props.workers ?? {};
    const app = new GcpApp(this, "app", {
      name, location, labels, network: props.network, image: props.image, variables: props.variables, cpu: props.cpu, memory: props.memory,
    });
    const runToken = app.releaseToken({ command: props.command, release: props.releaseCommand, workers });
    const release = props.releaseCommand ? [new GcpRelease(this, "release", { name, location, labels, app, command: props.releaseCommand.command, runToken }).job] : [];
    new GcpWorkers(this, "workers", { name, location, labels, app, workers, after: release });

    const port = props.variables.port; // Cloud Run gives it to the app as PORT
    const replicas = props.replicas ?? 1;
    const ingress = props.ingress ?? "all";
    const probe = { httpGet: { path: props.healthPath ?? "/healthz", port }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 };
    // A public service with a domain is reached through the load balancer only.
    const domain = ingress === "all" ? props.domain : undefined;
    const service = new CloudRunV2Service(this, "service", {
      name,
      location,
      // Holds no data (protect guards the database and the buckets), and with deletion protection a service
      // whose first create failed (its image not pushed yet, a slow first start) is left tainted, and can then
      // be neither replaced nor destroyed until the protection is switched off by hand.
      deletionProtection: false,
      ingress: ingress === "internal" ? "INGRESS_TRAFFIC_INTERNAL_ONLY"
        : domain ? "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER" : "INGRESS_TRAFFIC_ALL",
      labels,
      // A public API: anyone may invoke it (ingress still decides through which front door). Switching off
      // the invoker IAM check is Google's way for that: an `allUsers` binding is refused where domain-restricted
      // sharing is on (the default for organizations created since May 2024), and a binding is lost when the
      // service is replaced. Internal ingress keeps the check: callers need roles/run.invoker, granted by no one here.
      invokerIamDisabled: ingress === "all",
      template: {
        serviceAccount: app.serviceAccount,
        scaling: { minInstanceCount: replicas, maxInstanceCount: Math.max(props.maxInstances ?? 10, replicas) },
        vpcAccess: app.vpcAccess,
        containers: [{
          ...app.container(props.command),
          ports: { containerPort: port },
          startupProbe: { ...probe, failureThreshold: Math.ceil((props.startTimeoutSeconds ?? 120) / probe.periodSeconds) },
          livenessProbe: probe,
        }],
      },
      // Cloud Run checks at deploy that the secrets' versions exist and that the service account may
      // read them (DATABASE_URL's version waits for Cloud SQL); a new revision waits for the release.
      dependsOn: [...app.readable, ...release],
    });

    if (domain) {
      // Ingress already refuses the internet at the run.app URL, but it still answers from inside Google's
      // network and the VPC: switched off, the load balancer is the only way in. (The prebuilt bindings
      // predate the attribute; the provider built here has it.)
      service.addOverride("default_uri_disabled", true);
      const lb = new GcpLoadBalancer(this, "load-balancer", { name, project: props.project, location, service, domain });
      this.url = `https://${lb.domain}`;
      this.publicIpv4 = [lb.address];
    } else {
      this.url = service.uri;
      this.publicIpv4 = [];
    }
  }
}
