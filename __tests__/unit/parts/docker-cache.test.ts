import { Image } from "@cdktf/provider-docker/lib/image";
import { DockerCache, DockerCacheProps } from "../../../constructs/docker/cache";
import { redisUrl } from "../../../constructs/parts";
import { containerNamed, labelsOf, networkName, networkStack, networksOf, variablesOf } from "../../support/docker-parts";
import { resourcesOf, synthesize } from "../../support/synthesized";

// DockerCache alone: Redis on the internal network, a password required, its append-only file in a volume.
function build(props: Partial<Omit<DockerCacheProps, "network">> = {}) {
  const { stack, network } = networkStack();
  const cache = new DockerCache(stack, "cache", { name: "shop", image: "portable-backend/redis:7.0-1", network, ...props });
  const { json, values } = synthesize(stack, { password: cache.password, url: redisUrl(cache) });
  return { cache, json, values, redis: containerNamed(json, "shop-cache") };
}

describe("left to its defaults", () => {
  const { cache, json, values, redis } = build();

  test("the image asked for, labelled as the environment's cache", () => {
    expect(json).toHaveResourceWithProperties(Image, { name: "portable-backend/redis:7.0-1", keep_locally: true });
    expect(labelsOf(redis)).toEqual({ environment: "shop", role: "cache" });
  });

  test("on the internal network only, reached as cache:6379 without TLS, no host port", () => {
    expect(redis.networks_advanced).toEqual([{ name: networkName(json, "internal"), aliases: ["cache"] }]);
    expect(redis.ports).toBeUndefined();
    expect(cache).toMatchObject({ host: "cache", port: 6379, tls: false });
  });

  test("a generated password, required by Redis and in the URL the app gets", () => {
    const [id, password] = resourcesOf(json, "random_password")[0];
    expect(password).toEqual({ length: 32, special: false });
    expect(variablesOf(redis)).toEqual({ REDIS_PASSWORD: `\${random_password.${id}.result}` });
    expect(values.url).toBe(`redis://:\${random_password.${id}.result}@cache:6379/0`);
  });

  test("its data in <name>-cachedata, kept on destroy; created once it answers", () => {
    expect(redis.volumes).toEqual([{ volume_name: "shop-cachedata", container_path: "/data" }]);
    expect(resourcesOf(json, "docker_volume")).toEqual([]);
    expect(JSON.parse(json).removed).toEqual([{ from: expect.stringMatching(/^docker_volume\.cache_data_/), lifecycle: { destroy: false } }]);
    expect(redis).toMatchObject({ wait: true, healthcheck: expect.objectContaining({ test: ["CMD", "redis-health"] }) });
  });
});

test("protect false: its volume is a resource destroy deletes", () => {
  const { json, redis } = build({ protect: false });
  const [id, volume] = resourcesOf(json, "docker_volume")[0];
  expect(volume.name).toBe("shop-cachedata");
  expect(redis.volumes[0].volume_name).toBe(`\${docker_volume.${id}.name}`);
});

test("published on a private address: reached there, on both networks", () => {
  const { cache, json, redis } = build({ publishOn: "10.0.1.10" });
  expect(cache.host).toBe("10.0.1.10");
  expect(redis.ports).toEqual([{ internal: 6379, external: 6379, ip: "10.0.1.10" }]);
  expect(networksOf(redis)).toEqual([networkName(json, "internal"), networkName(json, "edge")]);
});

test("a volume of the caller's is used as it is", () => {
  const { json, redis } = build({ volume: "queue-data" });
  expect(redis.volumes[0].volume_name).toBe("queue-data");
  expect(JSON.parse(json).removed).toBeUndefined();
});
