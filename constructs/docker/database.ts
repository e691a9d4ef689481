import { Construct } from "constructs";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Password } from "@cdktf/provider-random/lib/password";
import { DatabaseEndpoint } from "../parts";
import { healthcheck, serviceContainer } from "./container";
import { dockerImage } from "./image";
import { DockerNetworks } from "./network";
import { dockerNames } from "./names";
import { dataVolume } from "./volume";

const PORT = 5432;

/** What a part holding data (Postgres, Redis, the object store) is given. */
export interface DataPartProps {
  /** Prefix of its container's and volume's names (dockerNames), and their ENVIRONMENT_LABEL: the environment's name. */
  readonly name: string;
  /** The image the container runs (`images.postgres`, `images.cache`, `images.objectStore`). */
  readonly image: string;
  /** The environment's networks (DockerNetworks); a data part joins the internal one. */
  readonly network: DockerNetworks;
  /**
   * Keep the data when the stack is destroyed: the volume is left to Docker, not managed by Terraform (see dataVolume).
   * @default true
   */
  readonly protect?: boolean;
}

/** Where a data service (Postgres, Redis) is, when it is not on the app's own engine (Hetzner's data server). */
export interface DataServiceOptions {
  /**
   * An address of its host to publish the port on (a private one), which is then where it is reached; it
   * joins the edge network too, which carries the port.
   * @default its internal network only, reached by its alias
   */
  readonly publishOn?: string;
  /**
   * The Docker volume to keep the data in.
   * @default the environment's volume of the part (dockerNames), kept as `protect` says (see dataVolume)
   */
  readonly volume?: string;
}

export interface DockerDatabaseProps extends DataPartProps, DataServiceOptions {
  /** The Postgres major (`database.postgres`), which must be the image's: each major has its own data volume. */
  readonly postgres: number;
}

/**
 * Postgres in a container on the internal network only (or published on one private address of its
 * host, for the app on other hosts), its data in a named volume of its major (`postgres`,
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

  constructor(scope: Construct, id: string, props: DockerDatabaseProps) {
    super(scope, id);
    const { name, network, publishOn } = props;
    const names = dockerNames(name);
    this.host = publishOn ?? "postgres";
    // Generated at apply time; letters and digits only so it is safe inside a connection URL.
    this.password = new Password(this, "password", { length: 32, special: false }).result;
    const image = dockerImage(this, "image", props.image);
    this.major = props.postgres;
    this.volume = props.volume ?? dataVolume(this, "data", { name: names.postgresVolume(this.major), environment: name, protect: props.protect });
    this.container = serviceContainer(this, "container", {
      environment: name,
      name: names.postgres,
      image: image.imageId,
      alias: "postgres",
      role: "postgres",
      // Docker publishes no port of a container on internal networks only: the edge network carries it.
      networks: publishOn ? [network.internal, network.edge] : [network.internal],
      ports: publishOn ? [{ internal: PORT, external: PORT, ip: publishOn }] : undefined,
      env: [`POSTGRES_USER=${this.user}`, `POSTGRES_DB=${this.database}`, `POSTGRES_PASSWORD=${this.password}`],
      volumes: [{ volumeName: this.volume, containerPath: "/var/lib/postgresql/data" }],
      healthcheck: healthcheck(["CMD", "pg_isready", "-q", "-h", "127.0.0.1", "-p", String(PORT), "-U", this.user, "-d", this.database]),
      // SIGINT is Postgres' "fast shutdown": consistent on disk, no crash recovery on the next start.
      stopSignal: "SIGINT",
      destroyGraceSeconds: 60,
    });
  }
}
