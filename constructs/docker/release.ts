import { Construct } from "constructs";
import { ITerraformDependable, Lazy } from "cdktf";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Network } from "@cdktf/provider-docker/lib/network";
import { Id } from "@cdktf/provider-random/lib/id";
import { DockerEnvironment } from "../../lib/environment";
import { AppEnvironment, envLines } from "../app-environment";
import { oneShotContainer, serviceContainer, ServiceContainerProps } from "./container";
import { dockerImage } from "./image";
import { dockerNames } from "./names";

export interface DockerReleaseProps {
  readonly app: AppEnvironment;
  /** The networks the app's containers join: the internal one (database, store, cache) and the edge (proxy, outbound). */
  readonly networks: readonly Network[];
  /**
   * What must answer before the release command and the app start, checked by the `ready` step of the
   * backup image (images/backup/ready.sh): READY_POSTGRES, READY_BUCKET, READY_TCP, with the S3 client's
   * variables for the bucket. Empty: nothing to wait for.
   */
  readonly ready: readonly string[];
  /** What the app's containers always wait for (the health probe's installation). */
  readonly after: readonly ITerraformDependable[];
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
  /** The app image, pulled or found on the engine. */
  readonly imageId: string;
  private readonly id: Id;
  private readonly configs: object[] = [];
  private readonly networks: readonly Network[];
  private readonly first: ITerraformDependable[];

  constructor(scope: Construct, id: string, private readonly env: DockerEnvironment, private readonly props: DockerReleaseProps) {
    super(scope, id);
    this.imageId = dockerImage(this, "image", env.service.image).imageId;
    this.networks = props.networks;
    // A new id when anything a container of the release is made from changes (secrets included: the
    // keepers are in the state, which holds them anyway, and plans show them as sensitive).
    this.id = new Id(this, "id", {
      byteLength: 4,
      keepers: { release: Lazy.stringValue({ produce: () => JSON.stringify(this.configs) }) },
    });
    this.first = [...props.after];
    if (props.ready.length > 0) {
      this.first.push(oneShotContainer(this, "ready", env, {
        name: this.name(dockerNames(env).ready),
        image: dockerImage(this, "tools-image", env.images.backup).imageId,
        entrypoint: ["ready"],
        env: [...props.ready],
        networksAdvanced: props.networks.map((n) => ({ name: n.name })),
        role: "ready",
        failure: "What the release uses (the database, the bucket, the cache) did not answer, so the new version was not started and the previous one keeps serving",
        lifecycle: { createBeforeDestroy: true },
      }));
    }
    const release = env.service.release;
    if (release) {
      const config = {
        image: this.imageId,
        command: release.command,
        env: envLines(props.app, { port: false }),
        networksAdvanced: props.networks.map((n) => ({ name: n.name })),
      };
      this.configs.push(config);
      const command: Container = oneShotContainer(this, "command", env, {
        ...config,
        name: this.name(dockerNames(env).release),
        role: "release",
        failure: `The release command (${JSON.stringify(release.command)} from ${env.file}) failed, so the new version was not started and the previous one keeps serving`,
        dependsOn: [...this.first],
        lifecycle: { createBeforeDestroy: true },
      });
      this.first = [command];
    }
  }

  /**
   * A long-running container of this release (a replica, a worker), in `scope`: the release's image and
   * environment, on the app's networks, started once the release command succeeded. `props` adds
   * what the container is (its name prefix, alias, command, healthcheck, ...).
   */
  container(scope: Construct, id: string, props: Omit<ServiceContainerProps, "image" | "env" | "networks"> & { readonly port: boolean }): Container {
    const { port, name, dependsOn = [], ...rest } = props;
    const config = { ...rest, image: this.imageId, env: envLines(this.props.app, { port }) };
    this.configs.push({ ...config, networks: this.networks.map((n) => n.name) });
    return serviceContainer(scope, id, this.env, {
      ...config,
      networks: this.networks,
      name: this.name(name),
      dependsOn: [...this.first, ...dependsOn],
      lifecycle: { createBeforeDestroy: true },
    });
  }

  private name(prefix: string): string {
    return `${prefix}-${this.id.hex}`;
  }
}
