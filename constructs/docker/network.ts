import { Construct } from "constructs";
import { Network } from "@cdktf/provider-docker/lib/network";
import { dockerLabels, dockerNames } from "./names";

export interface DockerNetworksProps {
  /** The environment's name: the networks are `<environment>-internal` and `<environment>-edge`, labelled with it. */
  readonly environment: string;
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
    const names = dockerNames(props.environment);
    const labels = dockerLabels(props.environment);
    this.internal = new Network(this, "internal", { name: names.internalNetwork, internal: true, labels });
    this.edge = new Network(this, "edge", { name: names.edgeNetwork, labels });
  }
}
