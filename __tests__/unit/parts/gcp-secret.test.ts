import { SecretManagerSecret } from "@cdktf/provider-google/lib/secret-manager-secret";
import { SecretManagerSecretVersion } from "@cdktf/provider-google/lib/secret-manager-secret-version";
import { ephemeralPassword } from "../../../constructs/gcp/ephemeral";
import { regionalSecret } from "../../../constructs/gcp/secret";
import { bareStack, onlyResource, resourcesOf, synthesize } from "../../support/synthesized";

// regionalSecret alone: a secret kept in one region, readable by the readers named, its value stored
// unless it carries an ephemeral one.
test("a value is a version in a secret replicated in the location only; no reader, no grant; no labels", () => {
  const stack = bareStack();
  const secret = regionalSecret(stack, "api-key", { name: "shop", location: "europe-west3", value: "v" });
  const { json } = synthesize(stack, {});
  expect(json).toHaveResourceWithProperties(SecretManagerSecret, { secret_id: "shop-api-key", replication: { user_managed: { replicas: [{ location: "europe-west3" }] } } });
  expect(onlyResource(json, "google_secret_manager_secret")[1].labels).toBeUndefined();
  expect(json).toHaveResourceWithProperties(SecretManagerSecretVersion, { secret_data: "v" });
  expect(resourcesOf(json, "google_secret_manager_secret_iam_member")).toEqual([]);
  expect(secret.readable).toEqual([secret.version]);
});

test("readers may access it, and a reader waits for their grants as for the value", () => {
  const stack = bareStack();
  const readers = ["serviceAccount:a@p.iam.gserviceaccount.com", "serviceAccount:b@p.iam.gserviceaccount.com"];
  const secret = regionalSecret(stack, "api-key", { name: "shop", location: "europe-west3", value: "v", readers, labels: { environment: "shop" } });
  const { json } = synthesize(stack, {});
  const [[secretId]] = resourcesOf(json, "google_secret_manager_secret");
  expect(resourcesOf(json, "google_secret_manager_secret_iam_member").map(([, m]) => m)).toEqual(readers.map((member) => ({
    secret_id: `\${google_secret_manager_secret.${secretId}.id}`, role: "roles/secretmanager.secretAccessor", member,
  })));
  expect(secret.readable).toHaveLength(3);
  expect(json).toHaveResourceWithProperties(SecretManagerSecret, { labels: { environment: "shop" } });
});

test("a value carrying an ephemeral one is written only, with a version that follows it", () => {
  const stack = bareStack();
  const password = ephemeralPassword(stack, "shop_password_1");
  regionalSecret(stack, "url", { name: "shop", location: "europe-west3", value: `postgres://app:${password}@db/app` });
  const { json } = synthesize(stack, {});
  const [, version] = onlyResource(json, "google_secret_manager_secret_version");
  expect(version.secret_data).toBeUndefined();
  expect(version.secret_data_wo).toBe("postgres://app:${ephemeral.random_password.shop_password_1.result}@db/app");
  expect(version.secret_data_wo_version).toMatch(/^\$\{parseint\(substr\(sha256\(/);
  expect(version.secret_data_wo_version).not.toContain("${ephemeral.");
});
