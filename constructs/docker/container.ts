import { Construct } from "constructs";
import { Container, ContainerConfig } from "@cdktf/provider-docker/lib/container";
import { Network } from "@cdktf/provider-docker/lib/network";
import { DockerEnvironment } from "../../lib/environment";
import { dockerLabels } from "./names";

export interface ServiceContainerProps extends Omit<ContainerConfig, "networksAdvanced" | "labels"> {
  /** Networks to join, with the name others reach this container by on each. */
  readonly networks: readonly Network[];
  readonly alias: string;
}

/**
 * A long-running container with the defaults every part wants: restarted unless stopped,
 * labelled with its environment, reachable by `alias`, and (with a healthcheck) only created
 * once healthy, so what depends on it starts after it.
 */
export function serviceContainer(scope: Construct, id: string, env: DockerEnvironment, props: ServiceContainerProps): Container {
  const { networks, alias, ...config } = props;
  return new Container(scope, id, {
    restart: "unless-stopped",
    wait: props.healthcheck !== undefined,
    waitTimeout: 120,
    destroyGraceSeconds: 30,
    ...config,
    labels: dockerLabels(env),
    networksAdvanced: networks.map((n) => ({ name: n.name, aliases: [alias] })),
  });
}

/** Docker healthcheck timings shared by all parts: quick to notice, patient at start. */
export function healthcheck(test: readonly string[]) {
  return { test: [...test], interval: "5s", timeout: "3s", retries: 5, startPeriod: "10s" };
}
