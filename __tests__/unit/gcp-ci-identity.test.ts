import { Testing } from "cdktf";
import { SecretManagerSecret } from "@cdktf/provider-google/lib/secret-manager-secret";
import { BackendStack } from "../../constructs/backend-stack";
import { GcpEnvironment } from "../../lib/environment";
import { shippedEnvironment } from "../support/shipped-environments";

// The CI plan identity reads this stack's secrets only, one grant per secret: a secret added after the
// stack was built (as `extend` does) is granted too, and a second synth adds nothing twice.
const env = shippedEnvironment("gcp-prod") as GcpEnvironment;

test("a secret added in code is readable by the plan identity, like the stack's own", () => {
  const stack = new BackendStack(Testing.app(), env);
  new SecretManagerSecret(stack, "webhook-key", { secretId: "webhook-key", replication: { userManaged: { replicas: [{ location: "europe-west3" }] } } });
  Testing.synth(stack);
  const json = JSON.parse(Testing.synth(stack));
  const reads = Object.entries<any>(json.resource.google_secret_manager_secret_iam_member).filter(([id]) => id.startsWith("ci_plan-reads-"));
  const secrets = Object.keys(json.resource.google_secret_manager_secret);
  expect(reads.map(([, member]) => member.secret_id).sort()).toEqual(secrets.map((id) => `\${google_secret_manager_secret.${id}.id}`).sort());
  expect(reads.map(([, member]) => member.role)).toEqual(reads.map(() => "roles/secretmanager.secretAccessor"));
  expect(secrets).toContain("webhook-key");
});
