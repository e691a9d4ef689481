import { Construct } from "constructs";
import { Container, ContainerConfig } from "@cdktf/provider-docker/lib/container";
import { Network } from "@cdktf/provider-docker/lib/network";
import { dockerLabels, EnvironmentLabel } from "./names";

/**
 * What a container is labelled with (dockerLabels). Named as the labels are: `name` is the container's
 * own (ContainerConfig's).
 */
export interface ContainerLabels extends EnvironmentLabel {
  /** What the container is for (its ROLE_LABEL). */
  readonly role: string;
}

export interface ServiceContainerProps extends Omit<ContainerConfig, "networksAdvanced" | "labels">, ContainerLabels {
  /** Networks to join. */
  readonly networks: readonly Network[];
  /**
   * The name others reach this container by on each network.
   * @default none: its container name only
   */
  readonly alias?: string;
}

/** How long a container with a healthcheck has to become healthy before its creation fails. */
export const START_TIMEOUT_SECONDS = 120;

/**
 * A long-running container with the defaults every part wants: restarted unless stopped,
 * labelled with its environment and role, reachable by `alias` (and its name), and (with a healthcheck) only
 * created once healthy, so what depends on it starts after it.
 */
export function serviceContainer(scope: Construct, id: string, props: ServiceContainerProps): Container {
  const { networks, alias, environment, role, ...config } = props;
  return new Container(scope, id, {
    restart: "unless-stopped",
    wait: props.healthcheck !== undefined,
    waitTimeout: START_TIMEOUT_SECONDS,
    destroyGraceSeconds: 30,
    ...config,
    labels: dockerLabels(environment, role),
    networksAdvanced: networks.map((n) => ({ name: n.name, ...(alias && { aliases: [alias] }) })),
  });
}

/** Docker healthcheck timings shared by all parts: quick to notice, patient at start. */
export function healthcheck(test: readonly string[]) {
  return { test: [...test], interval: "5s", timeout: "3s", retries: 5, startPeriod: "10s" };
}

/**
 * A container that runs once to completion each time it is created, its exit code checked: unless it
 * exits 0 the deploy fails there (nothing depending on it is created), with `failure`, the container's
 * name and its last output lines. Left in place (exited) for `docker logs`; a deploy with a changed
 * configuration replaces it, and one without fails again with the same message until it is removed.
 */
export function oneShotContainer(
  scope: Construct, id: string,
  config: Omit<ContainerConfig, "labels" | "mustRun" | "attach" | "logs" | "restart"> & ContainerLabels & { readonly failure: string },
): Container {
  const { environment, role, failure, ...rest } = config;
  const container = new Container(scope, id, { ...rest, labels: dockerLabels(environment, role), restart: "no", mustRun: false, attach: true, logs: true });
  // The last 20 lines: a match can start no earlier than the 20th line from the end.
  const lastLines = '${regex("(?:[^\\n]*\\n){0,19}[^\\n]*$", trimspace(coalesce(self.container_logs, "(no output)")))}';
  container.addOverride("lifecycle.postcondition", [{
    condition: "${self.exit_code == 0}",
    error_message: `${failure}: container \${self.name} exited with \${self.exit_code}. Its last output:\n${lastLines}\n`
      + "Nothing that depends on it was changed. Deploy again once it is fixed; to run it again unchanged, first remove it: docker rm ${self.name}",
  }]);
  return container;
}
