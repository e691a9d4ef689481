import { Construct } from "constructs";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Password } from "@cdktf/provider-random/lib/password";
import { ContainerEnvironment } from "./environment";
import { DatabaseEndpoint, DatabaseSettings } from "../parts";
import { healthcheck, serviceContainer } from "./container";
import { dockerImage } from "./image";
import { DockerNetworks } from "./network";
import { dockerNames } from "./names";
import { dataVolume } from "./volume";

const PORT = 5432;

/** Where a data service (Postgres, Redis) is, when it is not on the app's own engine (Hetzner's data server). */
export interface DataServiceOptions {
  /** An address of its host to publish the port on (a private one), which is then where it is reached. Default: its internal network only. */
  readonly publishOn?: string;
  /** The Docker volume to keep the data in. Default: the environment's (see dataVolume). */
  readonly volume?: string;
}

/**
 * Postgres in a container on the internal network only (or published on one private address of its
 * host, for the app on other hosts), its data in a named volume of its major (`settings.postgres`,
 * which must be the image's).
 */
export class DockerDatabase extends Construct implements DatabaseEndpoint {
  readonly host: string;
  readonly port = PORT;
  readonly database = "app";
  readonly user = "app";
  readonly password: string;
  readonly sslmode = "disable"; // an internal Docker network on one host
  /** Created once Postgres answers. */
  readonly container: Container;
  /** The Postgres major (`database.postgres`, the image's). */
  readonly major: number;
  /** The volume the data is in: one per major, so a new one when the major changes. */
  readonly volume: string;

  constructor(scope: Construct, id: string, env: ContainerEnvironment, net: DockerNetworks, settings: DatabaseSettings<ContainerEnvironment>, options: DataServiceOptions = {}) {
    super(scope, id);
    const names = dockerNames(env);
    this.host = options.publishOn ?? "postgres";
    // Generated at apply time; letters and digits only so it is safe inside a connection URL.
    this.password = new Password(this, "password", { length: 32, special: false }).result;
    const image = dockerImage(this, "image", env.images.postgres);
    this.major = settings.postgres;
    this.volume = options.volume ?? dataVolume(this, "data", env, names.postgresVolume(this.major));
    this.container = serviceContainer(this, "container", env, {
      name: names.postgres,
      image: image.imageId,
      alias: "postgres",
      role: "postgres",
      // Docker publishes no port of a container on internal networks only: the edge network carries it.
      networks: options.publishOn ? [net.internal, net.edge] : [net.internal],
      ports: options.publishOn ? [{ internal: PORT, external: PORT, ip: options.publishOn }] : undefined,
      env: [`POSTGRES_USER=${this.user}`, `POSTGRES_DB=${this.database}`, `POSTGRES_PASSWORD=${this.password}`],
      volumes: [{ volumeName: this.volume, containerPath: "/var/lib/postgresql/data" }],
      healthcheck: healthcheck(["CMD", "pg_isready", "-q", "-h", "127.0.0.1", "-p", String(PORT), "-U", this.user, "-d", this.database]),
      // SIGINT is Postgres' "fast shutdown": consistent on disk, no crash recovery on the next start.
      stopSignal: "SIGINT",
      destroyGraceSeconds: 60,
    });
  }
}
