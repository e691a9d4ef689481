import { Testing } from "cdktf";
import { Image } from "@cdktf/provider-docker/lib/image";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import { healthcheck, oneShotContainer, serviceContainer } from "../../../constructs/docker/container";
import { dockerImage } from "../../../constructs/docker/image";
import { dataVolume } from "../../../constructs/docker/volume";
import { containerNamed, labelsOf, networkName, networkStack } from "../../support/docker-parts";
import { bareStack, resourcesOf, synthesize } from "../../support/synthesized";

// The helpers every Docker part builds its containers and volumes with, alone.

describe("serviceContainer", () => {
  test("restarted unless stopped, labelled, reachable by its alias on each network, waited for when it has a healthcheck", () => {
    const { stack, network } = networkStack();
    serviceContainer(stack, "db", { environment: "shop", role: "postgres", name: "shop-postgres", image: "img", alias: "postgres", networks: [network.internal, network.edge], healthcheck: healthcheck(["CMD", "true"]) });
    const json = Testing.synth(stack);
    const db = containerNamed(json, "shop-postgres");
    expect(db).toMatchObject({ restart: "unless-stopped", wait: true, wait_timeout: 120, destroy_grace_seconds: 30 });
    expect(labelsOf(db)).toEqual({ environment: "shop", role: "postgres" });
    expect(db.networks_advanced).toEqual([
      { name: networkName(json, "internal"), aliases: ["postgres"] },
      { name: networkName(json, "edge"), aliases: ["postgres"] },
    ]);
    expect(db.healthcheck).toEqual({ test: ["CMD", "true"], interval: "5s", timeout: "3s", retries: 5, start_period: "10s" });
  });

  test("without a healthcheck or alias: not waited for, reached by its name only; its own settings win over the defaults", () => {
    const { stack, network } = networkStack();
    serviceContainer(stack, "worker", { environment: "shop", role: "worker", name: "shop-worker", image: "img", networks: [network.edge], destroyGraceSeconds: 60, restart: "always" });
    const worker = containerNamed(Testing.synth(stack), "shop-worker");
    expect(worker).toMatchObject({ wait: false, restart: "always", destroy_grace_seconds: 60 });
    expect(worker.networks_advanced).toEqual([{ name: expect.stringContaining("docker_network.") }]);
  });
});

describe("oneShotContainer", () => {
  const { stack } = networkStack();
  oneShotContainer(stack, "migrate", { environment: "shop", role: "release", name: "shop-release", image: "img", failure: "The migrations failed" });
  const json = Testing.synth(stack);
  const migrate = containerNamed(json, "shop-release");

  test("runs once to completion, attached, with its logs kept, never restarted; labelled", () => {
    expect(migrate).toMatchObject({ restart: "no", must_run: false, attach: true, logs: true });
    expect(labelsOf(migrate)).toEqual({ environment: "shop", role: "release" });
  });

  test("a non-zero exit fails the deploy there, with the failure, the container and its last output lines", () => {
    expect(migrate.lifecycle.postcondition).toEqual([{
      condition: "${self.exit_code == 0}",
      error_message: expect.stringMatching(/^The migrations failed: container \$\{self\.name\} exited with \$\{self\.exit_code\}\. Its last output:\n\$\{regex\(.*self\.container_logs.*\)\}\n.*docker rm \$\{self\.name\}$/s),
    }]);
  });
});

describe("dataVolume", () => {
  test("protected (the default): left to Docker, and forgotten rather than deleted were it once managed", () => {
    const stack = bareStack();
    expect(dataVolume(stack, "data", { name: "shop-pgdata-17", environment: "shop" })).toBe("shop-pgdata-17");
    expect(dataVolume(stack, "certificates", { name: "shop-proxy-data", environment: "shop", protect: true })).toBe("shop-proxy-data");
    const json = Testing.synth(stack);
    expect(resourcesOf(json, "docker_volume")).toEqual([]);
    expect(JSON.parse(json).removed).toEqual([
      { from: "docker_volume.data", lifecycle: { destroy: false } },
      { from: "docker_volume.certificates", lifecycle: { destroy: false } },
    ]);
  });

  test("the address it forgets is the one it has unprotected, so turning protect on keeps the data", () => {
    const unprotected = bareStack();
    dataVolume(unprotected, "data", { name: "shop-pgdata-17", environment: "shop", protect: false });
    const [id] = resourcesOf(Testing.synth(unprotected), "docker_volume")[0];
    const protectedStack = bareStack();
    dataVolume(protectedStack, "data", { name: "shop-pgdata-17", environment: "shop" });
    expect(JSON.parse(Testing.synth(protectedStack)).removed).toEqual([{ from: `docker_volume.${id}`, lifecycle: { destroy: false } }]);
  });

  test("unprotected: a labelled volume resource, which destroy deletes; no removed block", () => {
    const stack = bareStack();
    const name = dataVolume(stack, "data", { name: "scratch-pgdata-17", environment: "scratch", protect: false });
    const { json, values } = synthesize(stack, { name });
    expect(json).toHaveResourceWithProperties(Volume, { name: "scratch-pgdata-17", labels: [{ label: "io.portable-backend.environment", value: "scratch" }] });
    expect(values.name).toBe("${docker_volume.data.name}");
    expect(JSON.parse(json).removed).toBeUndefined();
  });
});

test("dockerImage: found or pulled, and kept on destroy (shared between environments)", () => {
  const stack = bareStack();
  dockerImage(stack, "image", "postgres:17");
  expect(Testing.synth(stack)).toHaveResourceWithProperties(Image, { name: "postgres:17", keep_locally: true });
});
