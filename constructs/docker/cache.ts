import { Construct } from "constructs";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Password } from "@cdktf/provider-random/lib/password";
import { CacheEndpoint } from "../parts";
import { healthcheck, serviceContainer } from "./container";
import { dockerImage } from "./image";
import { DataPartProps, DataServiceOptions } from "./database";
import { dockerNames } from "./names";
import { dataVolume } from "./volume";

const PORT = 6379;

/** The Redis image (`images.cache`) and where it runs; its volume is `<name>-cachedata`. */
export interface DockerCacheProps extends DataPartProps, DataServiceOptions {}

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

  constructor(scope: Construct, id: string, props: DockerCacheProps) {
    super(scope, id);
    const { name, network, publishOn } = props;
    this.host = publishOn ?? "cache";
    const names = dockerNames(name);
    // Letters and digits only, so it is safe inside REDIS_URL.
    this.password = new Password(this, "password", { length: 32, special: false }).result;
    this.container = serviceContainer(this, "container", {
      environment: name,
      name: names.cache,
      image: dockerImage(this, "image", props.image).imageId,
      alias: "cache",
      role: "cache",
      // Docker publishes no port of a container on internal networks only: the edge network carries it.
      networks: publishOn ? [network.internal, network.edge] : [network.internal],
      ports: publishOn ? [{ internal: PORT, external: PORT, ip: publishOn }] : undefined,
      env: [`REDIS_PASSWORD=${this.password}`],
      volumes: [{ volumeName: props.volume ?? dataVolume(this, "data", { name: names.cacheVolume, environment: name, protect: props.protect }), containerPath: "/data" }],
      healthcheck: healthcheck(["CMD", "redis-health"]),
    });
  }
}
