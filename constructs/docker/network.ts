import { Construct } from "constructs";
import { Network } from "@cdktf/provider-docker/lib/network";
import { dockerLabels, dockerNames } from "./names";

export interface DockerNetworksProps {
  /** Prefix of the networks' names (`<name>-internal`, `<name>-edge`), and their ENVIRONMENT_LABEL: the environment's name. */
  readonly name: string;
}

/**
 * The firewall of a Docker host: an internal network (no route out, no host ports) for the database,
 * the object store and the backups, and an edge network for the proxy and the app. Only the proxy
 * publishes ports, on the environment's bind address.
 */
export class DockerNetworks extends Construct {
  readonly internal: Network;
  readonly edge: Network;

  constructor(scope: Construct, id: string, props: DockerNetworksProps) {
    super(scope, id);
    const names = dockerNames(props.name);
    const labels = dockerLabels(props.name);
    this.internal = new Network(this, "internal", { name: names.internalNetwork, internal: true, labels });
    this.edge = new Network(this, "edge", { name: names.edgeNetwork, labels });
  }
}
