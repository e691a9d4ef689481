import { Construct } from "constructs";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Password } from "@cdktf/provider-random/lib/password";
import { DockerEnvironment } from "../../lib/environment";
import { DatabaseEndpoint } from "../parts";
import { healthcheck, serviceContainer } from "./container";
import { dockerImage } from "./image";
import { DockerNetworks } from "./network";
import { dockerNames } from "./names";
import { dataVolume } from "./volume";

const PORT = 5432;

/** Postgres in a container on the internal network only, its data in a named volume. */
export class DockerDatabase extends Construct implements DatabaseEndpoint {
  readonly host = "postgres";
  readonly port = PORT;
  readonly database = "app";
  readonly user = "app";
  readonly password: string;
  readonly sslmode = "disable"; // an internal Docker network on one host
  /** Created once Postgres answers. */
  readonly container: Container;

  constructor(scope: Construct, id: string, env: DockerEnvironment, net: DockerNetworks) {
    super(scope, id);
    const names = dockerNames(env);
    // Generated at apply time; letters and digits only so it is safe inside a connection URL.
    this.password = new Password(this, "password", { length: 32, special: false }).result;
    const image = dockerImage(this, "image", env.images.postgres);
    this.container = serviceContainer(this, "container", env, {
      name: names.postgres,
      image: image.imageId,
      alias: this.host,
      role: "postgres",
      networks: [net.internal],
      env: [`POSTGRES_USER=${this.user}`, `POSTGRES_DB=${this.database}`, `POSTGRES_PASSWORD=${this.password}`],
      volumes: [{ volumeName: dataVolume(this, "data", env, names.postgresVolume), containerPath: "/var/lib/postgresql/data" }],
      healthcheck: healthcheck(["CMD", "pg_isready", "-q", "-h", "127.0.0.1", "-p", String(PORT), "-U", this.user, "-d", this.database]),
      // SIGINT is Postgres' "fast shutdown": consistent on disk, no crash recovery on the next start.
      stopSignal: "SIGINT",
      destroyGraceSeconds: 60,
    });
  }
}
