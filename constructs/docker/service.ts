import { Construct } from "constructs";
import { ContainerEnvironment } from "./environment";
import { ServiceEndpoint } from "../parts";
import { caddyfile } from "./caddyfile";
import { healthcheck, oneShotContainer, serviceContainer } from "./container";
import { dockerImage } from "./image";
import { DockerNetworks } from "./network";
import { dockerNames } from "./names";
import { DockerProbe } from "./probe";
import { DockerRelease } from "./release";
import { dataVolume } from "./volume";

const CADDYFILE = "/etc/caddy/Caddyfile";

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
/** Where the proxy listens: on which address and ports, for which domain (automatic HTTPS), at which public address. */
export interface DockerSite {
  readonly bindAddress: string;
  readonly httpPort: number;
  readonly httpsPort: number;
  readonly domain?: string;
  readonly publicIpv4?: string;
}

export interface DockerServiceProps {
  readonly net: DockerNetworks;
  readonly release: DockerRelease;
  readonly probe: DockerProbe;
  /** Default: the Docker environment's `host`. */
  readonly site?: DockerSite;
  /** Replicas on this engine. Default: `service.replicas`. */
  readonly replicas?: number;
  /** The number in the first replica's name (Hetzner's app server n runs replica n). Default: 1. */
  readonly firstReplica?: number;
}

export class DockerService extends Construct implements ServiceEndpoint {
  readonly url: string;
  readonly publicIpv4: readonly string[];
  readonly publicIpv6: readonly string[] = [];

  constructor(scope: Construct, id: string, env: ContainerEnvironment, props: DockerServiceProps) {
    super(scope, id);
    const { net, release, probe } = props;
    const site = props.site ?? (env.provider === "docker" ? env.host : undefined);
    if (!site) throw new Error(`${env.file}: the proxy needs a site (address and ports) on ${env.provider}`);
    const names = dockerNames(env);
    const { port, healthPath, command } = env.service;
    const replicas = props.replicas ?? env.service.replicas;

    const first = props.firstReplica ?? 1;
    const apps = Array.from({ length: replicas }, (_, i) => release.container(this, `app-${i + first}`, {
      name: names.app(i + first),
      networks: [net.internal, net.edge],
      role: "app",
      command,
      port: true,
      ...probe.check(port, healthPath),
      waitTimeout: env.service.startTimeoutSeconds,
      dependsOn: [probe.installed],
    }));
    const { bindAddress, domain, httpPort, httpsPort } = site;
    const proxyImage = dockerImage(this, "proxy-image", env.images.proxy).imageId;
    const proxy = serviceContainer(this, "proxy", env, {
      name: names.proxy,
      image: proxyImage,
      role: "proxy",
      networks: [net.edge],
      ports: [
        { internal: 80, external: httpPort, ip: bindAddress },
        ...(domain ? [{ internal: 443, external: httpsPort, ip: bindAddress }] : []),
      ],
      upload: [{ file: CADDYFILE, content: caddyfile({ domain, healthPath }) }],
      // Its certificates, and the table of replicas, which a new proxy container resumes.
      volumes: [{ volumeName: dataVolume(this, "certificates", env, names.proxyVolume), containerPath: "/data" }],
      healthcheck: healthcheck(["CMD", "/usr/bin/httpcheck", "http://127.0.0.1:2019/config/"]),
    });

    // In the proxy's network namespace, the only place its admin API listens. Replaced with every release
    // (the table names the release's replicas) and with the proxy.
    const table = JSON.stringify({ upstreams: apps.map((app) => `${app.name}:${port}`) });
    oneShotContainer(this, "route", env, {
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
