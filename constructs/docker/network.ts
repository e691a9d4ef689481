import { Construct } from "constructs";
import { Network } from "@cdktf/provider-docker/lib/network";
import { ContainerEnvironment } from "./environment";
import { dockerLabels, dockerNames } from "./names";

/**
 * The firewall of a Docker host: an internal network (no route out, no host ports) for the database,
 * the object store and the backups, and an edge network for the proxy and the app. Only the proxy
 * publishes ports, on the environment's bind address.
 */
export class DockerNetworks extends Construct {
  readonly internal: Network;
  readonly edge: Network;

  constructor(scope: Construct, id: string, env: ContainerEnvironment) {
    super(scope, id);
    const names = dockerNames(env);
    this.internal = new Network(this, "internal", { name: names.internalNetwork, internal: true, labels: dockerLabels(env) });
    this.edge = new Network(this, "edge", { name: names.edgeNetwork, labels: dockerLabels(env) });
  }
}
