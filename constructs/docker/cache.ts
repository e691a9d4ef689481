import { Construct } from "constructs";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Password } from "@cdktf/provider-random/lib/password";
import { ContainerEnvironment } from "./environment";
import { CacheEndpoint } from "../parts";
import { healthcheck, serviceContainer } from "./container";
import { dockerImage } from "./image";
import { DataServiceOptions } from "./database";
import { DockerNetworks } from "./network";
import { dockerNames } from "./names";
import { dataVolume } from "./volume";

const PORT = 6379;

/**
 * Redis on the internal network only (no host port; or on one private address, see DataServiceOptions), password required, its data (an append-only
 * file: a queue's jobs survive a restart) in a volume kept like the database's.
 */
export class DockerCache extends Construct implements CacheEndpoint {
  readonly host: string;
  readonly port = PORT;
  readonly password: string;
  readonly tls = false; // an internal Docker network on one host
  readonly container: Container;

  constructor(scope: Construct, id: string, env: ContainerEnvironment, net: DockerNetworks, options: DataServiceOptions = {}) {
    super(scope, id);
    this.host = options.publishOn ?? "cache";
    if (!env.images.cache) throw new Error(`${env.file}: images.cache is required with a cache`); // checked at load
    const names = dockerNames(env);
    // Letters and digits only, so it is safe inside REDIS_URL.
    this.password = new Password(this, "password", { length: 32, special: false }).result;
    this.container = serviceContainer(this, "container", env, {
      name: names.cache,
      image: dockerImage(this, "image", env.images.cache).imageId,
      alias: "cache",
      role: "cache",
      // Docker publishes no port of a container on internal networks only: the edge network carries it.
      networks: options.publishOn ? [net.internal, net.edge] : [net.internal],
      ports: options.publishOn ? [{ internal: PORT, external: PORT, ip: options.publishOn }] : undefined,
      env: [`REDIS_PASSWORD=${this.password}`],
      volumes: [{ volumeName: options.volume ?? dataVolume(this, "data", env, names.cacheVolume), containerPath: "/data" }],
      healthcheck: healthcheck(["CMD", "redis-health"]),
    });
  }
}
