import { Construct } from "constructs";
import { DockerEnvironment } from "../../lib/environment";
import { ServiceEndpoint } from "../parts";
import { caddyfile } from "./caddyfile";
import { healthcheck, serviceContainer } from "./container";
import { dockerImage } from "./image";
import { DockerNetworks } from "./network";
import { dockerNames } from "./names";
import { DockerProbe } from "./probe";
import { DockerRelease } from "./release";
import { dataVolume } from "./volume";

/**
 * The app's replicas (on the internal network for the database, store and cache, and on the edge
 * network for the proxy and the way out) and the reverse proxy in front of them, the only container
 * that publishes ports. Each replica is reached as app-<n>, whichever release it belongs to.
 */
export class DockerService extends Construct implements ServiceEndpoint {
  readonly url: string;
  readonly publicIpv4: readonly string[];
  readonly publicIpv6: readonly string[] = [];

  constructor(scope: Construct, id: string, env: DockerEnvironment, deps: { net: DockerNetworks; release: DockerRelease; probe: DockerProbe }) {
    super(scope, id);
    const { net, release, probe } = deps;
    const names = dockerNames(env);
    const { port, healthPath, replicas, command } = env.service;

    const upstreams: string[] = [];
    const apps = Array.from({ length: replicas }, (_, i) => {
      const alias = `app-${i + 1}`;
      upstreams.push(`${alias}:${port}`);
      return release.container(this, alias, {
        name: names.app(i + 1),
        alias,
        role: "app",
        command,
        port: true,
        ...probe.check(port, healthPath),
        dependsOn: [probe.installed],
      });
    });

    const { bindAddress, domain, httpPort, httpsPort } = env.host;
    serviceContainer(this, "proxy", env, {
      name: names.proxy,
      image: dockerImage(this, "proxy-image", env.images.proxy).imageId,
      alias: "proxy",
      networks: [net.edge],
      ports: [
        { internal: 80, external: httpPort, ip: bindAddress },
        ...(domain ? [{ internal: 443, external: httpsPort, ip: bindAddress }] : []),
      ],
      upload: [{ file: "/etc/caddy/Caddyfile", content: caddyfile({ domain, upstreams, healthPath }) }],
      volumes: [{ volumeName: dataVolume(this, "certificates", env, names.proxyVolume), containerPath: "/data" }],
      healthcheck: healthcheck(["CMD", "/usr/bin/httpcheck", "http://127.0.0.1:2019/config/"]),
      dependsOn: apps,
    });

    const shown = bindAddress === "0.0.0.0" ? "127.0.0.1" : bindAddress;
    this.url = domain ? `https://${domain}${httpsPort === 443 ? "" : `:${httpsPort}`}` : `http://${shown}:${httpPort}`;
    this.publicIpv4 = env.host.publicIpv4 ? [env.host.publicIpv4] : [];
  }
}
