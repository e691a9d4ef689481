import { Construct } from "constructs";
import { SecretManagerSecret } from "@cdktf/provider-google/lib/secret-manager-secret";
import { SecretManagerSecretIamMember } from "@cdktf/provider-google/lib/secret-manager-secret-iam-member";
import { SecretManagerSecretVersion } from "@cdktf/provider-google/lib/secret-manager-secret-version";
import { GcpEnvironment } from "../../lib/environment";

/**
 * A Secret Manager secret holding `value`, replicated only in the environment's region (automatic
 * replication could place it anywhere), readable by `readers` and nobody else.
 */
export function regionalSecret(scope: Construct, id: string, env: GcpEnvironment, value: string, readers: string[]): SecretManagerSecret {
  const secret = new SecretManagerSecret(scope, id, {
    secretId: `${env.name}-${id}`,
    replication: { userManaged: { replicas: [{ location: env.location }] } },
    labels: { environment: env.name },
  });
  new SecretManagerSecretVersion(scope, `${id}-version`, { secret: secret.id, secretData: value });
  readers.forEach((member, i) => new SecretManagerSecretIamMember(scope, `${id}-reader-${i}`, {
    secretId: secret.id, role: "roles/secretmanager.secretAccessor", member,
  }));
  return secret;
}
