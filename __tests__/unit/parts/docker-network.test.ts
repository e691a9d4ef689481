import { Testing } from "cdktf";
import { Network } from "@cdktf/provider-docker/lib/network";
import { ENVIRONMENT_LABEL } from "../../../constructs/docker/names";
import { DockerNetworks } from "../../../constructs/docker/network";
import { networkStack } from "../../support/docker-parts";
import { bareStack, resourcesOf } from "../../support/synthesized";

// DockerNetworks alone: the firewall of a Docker host is two networks, one of which has no way out.
const { stack } = networkStack();
const json = Testing.synth(stack);

test("an internal network (no route out, no host ports) and an edge network, named after the environment", () => {
  expect(json).toHaveResourceWithProperties(Network, { name: "shop-internal", internal: true });
  expect(resourcesOf(json, "docker_network").map(([, n]) => n.name).sort()).toEqual(["shop-edge", "shop-internal"]);
  const [, edge] = resourcesOf(json, "docker_network").find(([, n]) => n.name === "shop-edge")!;
  expect(edge.internal).toBeUndefined();
});

test("both labelled with the environment only, so its objects can be found", () => {
  for (const [, network] of resourcesOf(json, "docker_network")) expect(network.labels).toEqual([{ label: ENVIRONMENT_LABEL, value: "shop" }]);
});

test("another environment on the same engine gets networks of its own", () => {
  const other = bareStack();
  new DockerNetworks(other, "network", { name: "shop-staging" });
  expect(resourcesOf(Testing.synth(other), "docker_network").map(([, n]) => n.name).sort()).toEqual(["shop-staging-edge", "shop-staging-internal"]);
});
