import { TerraformStack } from "cdktf";
import { DockerNetworks } from "../../constructs/docker/network";
import { ENVIRONMENT_LABEL, ROLE_LABEL } from "../../constructs/docker/names";
import { bareStack, resourcesOf } from "./synthesized";

/** The environment the Docker parts' tests name things after. */
export const ENV = "shop";

/** A bare stack with the environment's two networks, which every Docker part is wired to. */
export function networkStack(): { stack: TerraformStack; network: DockerNetworks } {
  const stack = bareStack();
  return { stack, network: new DockerNetworks(stack, "network", { name: ENV }) };
}

/** The synthesized containers, by construct id. */
export const containersOf = (json: string): Record<string, any> => Object.fromEntries(resourcesOf(json, "docker_container"));

/** The one container whose name is `name`, or starts with `name-` followed by a release id. */
export function containerNamed(json: string, name: string): any {
  const found = Object.values(containersOf(json)).filter((c) => c.name === name || c.name.startsWith(`${name}-\${random_id.`));
  expect(found.map((c) => c.name)).toHaveLength(1);
  return found[0];
}

/** A container's environment and role labels. */
export function labelsOf(container: any): { environment?: string; role?: string } {
  const value = (label: string) => container.labels.find((l: any) => l.label === label)?.value;
  return { environment: value(ENVIRONMENT_LABEL), role: value(ROLE_LABEL) };
}

/** A container's variables (NAME=value lines) as a record. */
export function variablesOf(container: any): Record<string, string> {
  return Object.fromEntries((container.env as string[]).map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
}

/** The networks a container joins, as Terraform references to their names. */
export const networksOf = (container: any): string[] => container.networks_advanced.map((n: any) => n.name);

/** Terraform's reference to one of the two networks' names. */
export const networkName = (json: string, which: "internal" | "edge") =>
  `\${docker_network.${resourcesOf(json, "docker_network").find(([, n]) => n.name === `${ENV}-${which}`)![0]}.name}`;
