import { RedisInstance } from "@cdktf/provider-google/lib/redis-instance";
import { GcpCache, GcpCacheProps } from "../../../constructs/gcp/cache";
import { redisUrl } from "../../../constructs/parts";
import { testNetwork } from "../../support/gcp-parts";
import { bareStack, onlyResource, referenceTo, synthesize } from "../../support/synthesized";

// GcpCache alone: Memorystore for Redis reached over the network's private service access only, with
// AUTH and TLS, and protected unless told otherwise.
function build(props: Partial<Omit<GcpCacheProps, "network">> = {}) {
  const stack = bareStack();
  const network = testNetwork(stack);
  const cache = new GcpCache(stack, "cache", { name: "shop", location: "europe-west3", network, ...props });
  return { cache, ...synthesize(stack, { url: redisUrl(cache), ca: cache.caCertificate }) };
}
const instance = (json: string) => onlyResource(json, "google_redis_instance")[1];

describe("left to its defaults", () => {
  const { cache, json, values } = build();

  test("1 GB, Basic tier (one zone), Redis 7.2, in the location", () => {
    expect(json).toHaveResourceWithProperties(RedisInstance, { name: "shop", region: "europe-west3", tier: "BASIC", memory_size_gb: 1, redis_version: "REDIS_7_2" });
  });

  test("on the network, over its private service access, which it waits for", () => {
    expect(instance(json)).toMatchObject({
      authorized_network: referenceTo(json, "google_compute_network", "id"), connect_mode: "PRIVATE_SERVICE_ACCESS",
      depends_on: [`google_service_networking_connection.${onlyResource(json, "google_service_networking_connection")[0]}`],
    });
  });

  test("AUTH and TLS: the app connects with rediss:// and the instance's password, and trusts its CA", () => {
    expect(instance(json)).toMatchObject({ auth_enabled: true, transit_encryption_mode: "SERVER_AUTHENTICATION" });
    const redis = (attribute: string) => referenceTo(json, "google_redis_instance", attribute);
    expect(values.url).toBe(`rediss://:${redis("auth_string")}@${redis("host")}:${redis("port")}/0`);
    expect(values.ca).toBe(`\${google_redis_instance.${onlyResource(json, "google_redis_instance")[0]}.server_ca_certs[0].cert}`);
    expect(cache.tls).toBe(true);
  });

  test("protected from deletion; no labels", () => {
    expect(instance(json).deletion_protection).toBe(true);
    expect(instance(json).labels).toBeUndefined();
  });
});

test("REGIONAL is the Standard tier (a replica in a second zone); its size; labels", () => {
  expect(build({ availability: "REGIONAL", memoryGb: 5, labels: { environment: "shop" } }).json)
    .toHaveResourceWithProperties(RedisInstance, { tier: "STANDARD_HA", memory_size_gb: 5, labels: { environment: "shop" } });
  expect(build({ availability: "ZONAL" }).json).toHaveResourceWithProperties(RedisInstance, { tier: "BASIC" });
});

test("protect: false lets a destroy delete it", () => {
  expect(instance(build({ protect: false }).json).deletion_protection).toBe(false);
});
