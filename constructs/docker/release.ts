import { Construct } from "constructs";
import { ITerraformDependable, Lazy } from "cdktf";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Network } from "@cdktf/provider-docker/lib/network";
import { Id } from "@cdktf/provider-random/lib/id";
import { AppEnvironment, envLines } from "../app-environment";
import { BucketEndpoint, CacheEndpoint, DatabaseEndpoint } from "../parts";
import { s3ClientEnv } from "./bucket";
import { oneShotContainer, serviceContainer, ServiceContainerProps } from "./container";
import { dockerImage } from "./image";
import { DockerHost } from "./host";
import { dockerNames } from "./names";

/**
 * What a release waits for (see DockerReleaseProps.ready): Postgres accepting connections (and, with
 * its major known, being that major: the server of the release's data volume, not one on its way out),
 * the app's bucket (created if missing), the cache accepting TCP connections.
 */
export function readyChecks(deps: { db?: DatabaseEndpoint & { readonly major?: number }; bucket?: BucketEndpoint; cache?: CacheEndpoint }): string[] {
  const { db, bucket, cache } = deps;
  const major = db?.major ? [`READY_POSTGRES_MAJOR=${db.major}`, `PGUSER=${db.user}`, `PGPASSWORD=${db.password}`, `PGDATABASE=${db.database}`] : [];
  return [
    ...(db ? [`READY_POSTGRES=${db.host}:${db.port}`, ...major] : []),
    ...(bucket ? [`READY_BUCKET=${bucket.name}`, ...s3ClientEnv(bucket)] : []),
    ...(cache ? [`READY_TCP=${cache.host}:${cache.port}`] : []),
  ];
}

/** The app's release command (`service.release`). */
export interface ReleaseCommand {
  readonly command: readonly string[];
  /** Where it is declared (the environment file), named when it fails. */
  readonly declaredIn: string;
}

export interface DockerReleaseProps {
  /** Prefix of its containers' names (`<name>-release-<release id>`, ...), and their ENVIRONMENT_LABEL: the environment's name. */
  readonly name: string;
  /** The app's image (`service.image`). */
  readonly image: string;
  /** The image whose `ready` command checks `ready`: the backup image (`images.backup`); not pulled when `ready` is empty. */
  readonly toolsImage: string;
  /** The variables the release command, the replicas and the workers receive (app-environment.ts; PORT only the replicas). */
  readonly variables: AppEnvironment;
  /** The networks the app's containers join: the internal one (database, store, cache) and the edge (proxy, outbound). */
  readonly networks: readonly Network[];
  /**
   * What must answer before the release command and the app start, checked by the `ready` step of the
   * backup image (images/backup/ready.sh): READY_POSTGRES (and READY_POSTGRES_MAJOR, with a login),
   * READY_BUCKET, READY_TCP, with the S3 client's variables for the bucket. Empty: nothing to wait for.
   */
  readonly ready: readonly string[];
  /**
   * Where the app's data is (the Postgres volume). Another one, an empty database of a new major, is a new
   * release: its release command (the app's migrations) runs on it before the app is started against it.
   * @default none: a release without data of its own
   */
  readonly data?: string;
  /**
   * Run to completion once per release (`service.release`), before any of its other containers start (migrations).
   * @default none: the release's containers start once `ready` answers
   */
  readonly releaseCommand?: ReleaseCommand;
}

/**
 * One release of the app: its image, command, environment and secrets, run as the release command
 * (once), the service's replicas and the workers. Every container of a release is named with the
 * release's id, which changes whenever anything in any of them does, so a new release's containers are
 * created next to the old ones (create before destroy) and the old ones are removed only after the new
 * ones are up: the release command runs first, and if it fails, nothing of the new release is started
 * and the previous one keeps serving.
 *
 * None of them depends, in Terraform, on the database, the object store or the cache: Terraform makes
 * every dependency of a create-before-destroy resource create-before-destroy too, and a second Postgres
 * (or Redis) started on the same volume before the first is stopped would corrupt it. A `ready` step of
 * the release waits for them to answer instead.
 */
export class DockerRelease extends Construct {
  /** The app image, pulled or found on this release's engine. */
  readonly imageId: string;
  /** The port the app is given (PORT) and serves on. */
  readonly port: number;
  /** The app image on each other engine a container of the release runs on (Hetzner's servers). */
  private readonly images = new Map<Construct | undefined, string>();
  private readonly id: Id;
  private readonly configs: object[] = [];
  private readonly networks: readonly Network[];
  private readonly first: ITerraformDependable[];

  constructor(scope: Construct, id: string, private readonly props: DockerReleaseProps) {
    super(scope, id);
    const names = dockerNames(props.name);
    this.imageId = dockerImage(this, "image", props.image).imageId;
    this.port = props.variables.port;
    this.networks = props.networks;
    // A new id when anything a container of the release is made from changes (secrets included: the
    // keepers are in the state, which holds them anyway, and plans show them as sensitive).
    this.id = new Id(this, "id", {
      byteLength: 4,
      keepers: { release: Lazy.stringValue({ produce: () => JSON.stringify(this.configs) }) },
    });
    if (props.data) this.configs.push({ data: props.data });
    this.first = [];
    if (props.ready.length > 0) {
      this.first.push(oneShotContainer(this, "ready", {
        environment: props.name,
        name: this.name(names.ready),
        image: dockerImage(this, "tools-image", props.toolsImage).imageId,
        entrypoint: ["ready"],
        env: [...props.ready],
        networksAdvanced: props.networks.map((n) => ({ name: n.name })),
        role: "ready",
        failure: "What the release uses (the database, the bucket, the cache) did not answer, so the new version was not started and the previous one keeps serving",
        lifecycle: { createBeforeDestroy: true },
      }));
    }
    const release = props.releaseCommand;
    if (release) {
      const config = {
        image: this.imageId,
        command: [...release.command],
        env: envLines(props.variables, { port: false }),
        networksAdvanced: props.networks.map((n) => ({ name: n.name })),
      };
      this.configs.push(config);
      const command: Container = oneShotContainer(this, "command", {
        ...config,
        environment: props.name,
        name: this.name(names.release),
        role: "release",
        failure: `The release command (${JSON.stringify(release.command)} from ${release.declaredIn}) failed, so the new version was not started and the previous one keeps serving`,
        dependsOn: [...this.first],
        lifecycle: { createBeforeDestroy: true },
      });
      this.first = [command];
    }
  }

  /**
   * A long-running container of this release (a replica, a worker), in `scope` (on its engine): the
   * release's image and environment, on the app's networks (or `networks`, on another engine), started
   * once the release command succeeded. `props` adds
   * what the container is (its name prefix, alias, command, healthcheck, ...).
   */
  container(scope: Construct, id: string, props: Omit<ServiceContainerProps, "environment" | "image" | "env" | "networks"> & { readonly port: boolean; readonly networks?: readonly Network[] }): Container {
    const { port, name, dependsOn = [], networks = this.networks, ...rest } = props;
    const config = { ...rest, image: this.imageIn(scope), env: envLines(this.props.variables, { port }) };
    this.configs.push({ ...config, networks: networks.map((n) => n.name) });
    return serviceContainer(scope, id, {
      ...config,
      environment: this.props.name,
      networks,
      name: this.name(name),
      dependsOn: [...this.first, ...dependsOn],
      lifecycle: { createBeforeDestroy: true },
    });
  }

  /** The app image on the engine `scope` deploys to (its DockerHost, or the stack's only engine). */
  private imageIn(scope: Construct): string {
    const host = DockerHost.of(scope);
    if (host === DockerHost.of(this)) return this.imageId;
    let image = this.images.get(host);
    if (!image) {
      image = dockerImage(host ?? scope, "app-image", this.props.image).imageId;
      this.images.set(host, image);
    }
    return image;
  }

  private name(prefix: string): string {
    return `${prefix}-${this.id.hex}`;
  }
}
