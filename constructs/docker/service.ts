import { Construct } from "constructs";
import { DockerEnvironment } from "../../lib/environment";
import { DatabaseEndpoint, databaseUrl, ServiceEndpoint } from "../parts";
import { caddyfile } from "./caddyfile";
import { healthcheck, serviceContainer } from "./container";
import { dockerImage } from "./image";
import { DockerNetworks } from "./network";
import { DockerObjectStore } from "./bucket";
import { dockerNames } from "./names";
import { dataVolume } from "./volume";

/**
 * The app's replicas (on the internal network for the database and store, and on the edge network
 * for the proxy) and the reverse proxy in front of them, the only container that publishes ports.
 */
export class DockerService extends Construct implements ServiceEndpoint {
  readonly url: string;
  readonly publicIpv4: readonly string[];
  readonly publicIpv6: readonly string[] = [];

  constructor(scope: Construct, id: string, env: DockerEnvironment, deps: { net: DockerNetworks; db: DatabaseEndpoint; bucket: DockerObjectStore }) {
    super(scope, id);
    const { net, db, bucket } = deps;
    const names = dockerNames(env);
    const { port, healthPath, replicas } = env.service;

    const image = dockerImage(this, "image", env.service.image);
    const upstreams: string[] = [];
    const apps = Array.from({ length: replicas }, (_, i) => {
      const alias = `app-${i + 1}`;
      upstreams.push(`${alias}:${port}`);
      return serviceContainer(this, alias, env, {
        name: names.app(i + 1),
        image: image.imageId,
        alias,
        networks: [net.internal, net.edge],
        env: [
          `PORT=${port}`,
          `APP_VERSION=${env.service.image.split(":").pop()}`,
          `DATABASE_URL=${databaseUrl(db, "disable")}`, // an internal Docker network on one host
          `S3_BUCKET=${bucket.name}`,
          ...bucket.clientEnv(),
        ],
        healthcheck: healthcheck([...env.service.healthcheck, healthPath]),
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
