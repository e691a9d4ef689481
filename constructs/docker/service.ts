import { Construct } from "constructs";
import { ServiceEndpoint } from "../parts";
import { caddyfile } from "./caddyfile";
import { healthcheck, oneShotContainer, serviceContainer, START_TIMEOUT_SECONDS } from "./container";
import { dockerImage } from "./image";
import { DockerNetworks } from "./network";
import { dockerNames } from "./names";
import { DockerProbe } from "./probe";
import { DockerRelease } from "./release";
import { dataVolume } from "./volume";

const CADDYFILE = "/etc/caddy/Caddyfile";

/** Where the proxy listens: on which address and ports, for which domain (automatic HTTPS), at which public address. */
export interface DockerSite {
  /** The host's address the proxy's ports are published on (`host.bindAddress`; 0.0.0.0: every address). */
  readonly bindAddress: string;
  /** The host's port for HTTP (`host.httpPort`). */
  readonly httpPort: number;
  /** The host's port for HTTPS, with a `domain` (`host.httpsPort`). */
  readonly httpsPort: number;
  /**
   * The name users reach the service at: the proxy gets its certificate (automatic HTTPS).
   * @default none: plain HTTP, automatic HTTPS off
   */
  readonly domain?: string;
  /**
   * The host's public IPv4, which DNS records point at (the service's `publicIpv4`).
   * @default none
   */
  readonly publicIpv4?: string;
}

export interface DockerServiceProps {
  /** Prefix of its containers' and volume's names (replica n is `<name>-app-<n>-<release id>`, the proxy `<name>-proxy`), and their ENVIRONMENT_LABEL: the environment's name. */
  readonly name: string;
  /** The environment's networks (DockerNetworks): the replicas join both; the proxy, the edge one. */
  readonly network: DockerNetworks;
  /** The release the replicas are containers of (its image, environment and port). */
  readonly release: DockerRelease;
  /** The health check the replicas run (on this engine). */
  readonly probe: DockerProbe;
  /** The reverse proxy's image (`images.proxy`). */
  readonly proxyImage: string;
  /** Where the proxy listens (the Docker environment's `host`). */
  readonly site: DockerSite;
  /** The path a replica answers 2xx on when healthy (`service.healthPath`): checked by Docker and by the proxy. */
  readonly healthPath: string;
  /**
   * The replicas' command (`service.command`).
   * @default the image's own
   */
  readonly command?: readonly string[];
  /**
   * How long a new replica has to become healthy before the release fails (`service.startTimeoutSeconds`).
   * @default 120
   */
  readonly startTimeoutSeconds?: number;
  /**
   * Replicas on this engine.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * The number in the first replica's name (Hetzner's app server n runs replica n).
   * @default 1
   */
  readonly firstReplica?: number;
  /**
   * Keep the proxy's data (its certificates, its table of replicas) when the stack is destroyed (see dataVolume).
   * @default true
   */
  readonly protect?: boolean;
}

/**
 * The app's replicas (on the internal network for the database, store and cache, and on the edge
 * network for the proxy and the way out) and the reverse proxy in front of them, the only container
 * that publishes ports.
 *
 * A release without a dropped request: the new release's replicas are created next to the old ones and
 * Terraform waits until each is healthy; then a one-shot container (`route`) switches the proxy to them
 * through its admin API (images/proxy/routes), which checks each from the proxy first and changes nothing
 * if one fails; requests under way finish where they are, new ones go to the new replicas. Only then
 * are the old replicas stopped (SIGTERM, the app's own draining, up to 30 s) and removed. The proxy and
 * its configuration stay as they are: a configuration reload would close clients' connections.
 */
export class DockerService extends Construct implements ServiceEndpoint {
  readonly url: string;
  readonly publicIpv4: readonly string[];
  readonly publicIpv6: readonly string[] = [];

  constructor(scope: Construct, id: string, props: DockerServiceProps) {
    super(scope, id);
    const { name, network, release, probe, site, healthPath } = props;
    const names = dockerNames(name);
    const port = release.port;
    const command = props.command && [...props.command];
    const replicas = props.replicas ?? 1;

    const first = props.firstReplica ?? 1;
    const apps = Array.from({ length: replicas }, (_, i) => release.container(this, `app-${i + first}`, {
      name: names.app(i + first),
      networks: [network.internal, network.edge],
      role: "app",
      command,
      port: true,
      ...probe.check(port, healthPath),
      waitTimeout: props.startTimeoutSeconds ?? START_TIMEOUT_SECONDS,
      dependsOn: [probe.installed],
    }));
    const { bindAddress, domain, httpPort, httpsPort } = site;
    const proxyImage = dockerImage(this, "proxy-image", props.proxyImage).imageId;
    const proxy = serviceContainer(this, "proxy", {
      environment: name,
      name: names.proxy,
      image: proxyImage,
      role: "proxy",
      networks: [network.edge],
      ports: [
        { internal: 80, external: httpPort, ip: bindAddress },
        ...(domain ? [{ internal: 443, external: httpsPort, ip: bindAddress }] : []),
      ],
      upload: [{ file: CADDYFILE, content: caddyfile({ domain, healthPath }) }],
      // Its certificates, and the table of replicas, which a new proxy container resumes.
      volumes: [{ volumeName: dataVolume(this, "certificates", { name: names.proxyVolume, environment: name, protect: props.protect }), containerPath: "/data" }],
      healthcheck: healthcheck(["CMD", "/usr/bin/httpcheck", "http://127.0.0.1:2019/config/"]),
    });

    // In the proxy's network namespace, the only place its admin API listens. Replaced with every release
    // (the table names the release's replicas) and with the proxy.
    const table = JSON.stringify({ upstreams: apps.map((app) => `${app.name}:${port}`) });
    oneShotContainer(this, "route", {
      environment: name,
      name: names.route,
      image: proxyImage,
      networkMode: `container:${proxy.id}`,
      entrypoint: ["/usr/bin/httpcheck", "-put", "/routes.json", "-status", "200", "-timeout", "90s", "http://127.0.0.1:2019/routes?wait=60s"],
      upload: [{ file: "/routes.json", content: table }],
      dependsOn: [proxy, ...apps],
      role: "route",
      failure: "Switching the proxy to the new release failed, so the previous release keeps serving",
    });

    const shown = bindAddress === "0.0.0.0" ? "127.0.0.1" : bindAddress;
    this.url = domain ? `https://${domain}${httpsPort === 443 ? "" : `:${httpsPort}`}` : `http://${shown}:${httpPort}`;
    this.publicIpv4 = site.publicIpv4 ? [site.publicIpv4] : [];
  }
}
