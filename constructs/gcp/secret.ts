import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { SecretManagerSecret } from "@cdktf/provider-google/lib/secret-manager-secret";
import { SecretManagerSecretIamMember } from "@cdktf/provider-google/lib/secret-manager-secret-iam-member";
import { SecretManagerSecretVersion } from "@cdktf/provider-google/lib/secret-manager-secret-version";
import { GcpEnvironment } from "../../lib/environment";
import { hasEphemeralValue, writeOnlyVersion } from "./ephemeral";

export interface RegionalSecret {
  readonly secret: SecretManagerSecret;
  /** The version holding the value: a new value is a new version, which readers pin to pick it up. */
  readonly version: SecretManagerSecretVersion;
  /**
   * What a reader must wait for before it reads the secret: its value (the version) and the readers'
   * access grants. Cloud Run checks both when it deploys a revision, and fails without them.
   */
  readonly readable: ITerraformDependable[];
}

/**
 * A Secret Manager secret holding `value`, replicated only in the environment's region (automatic
 * replication could place it anywhere), readable by `readers` and nobody else. A value with an ephemeral
 * part is written-only: Secret Manager has it, the state does not.
 */
export function regionalSecret(scope: Construct, id: string, env: GcpEnvironment, value: string, readers: string[]): RegionalSecret {
  const secret = new SecretManagerSecret(scope, id, {
    secretId: `${env.name}-${id}`,
    replication: { userManaged: { replicas: [{ location: env.location }] } },
    labels: { environment: env.name },
  });
  // A value carrying an ephemeral one (the database password) is written and never stored (ephemeral.ts).
  const version = new SecretManagerSecretVersion(scope, `${id}-version`, hasEphemeralValue(value)
    ? { secret: secret.id, secretDataWo: value, secretDataWoVersion: writeOnlyVersion(value) }
    : { secret: secret.id, secretData: value });
  const grants = readers.map((member, i) => new SecretManagerSecretIamMember(scope, `${id}-reader-${i}`, {
    secretId: secret.id, role: "roles/secretmanager.secretAccessor", member,
  }));
  return { secret, version, readable: [version, ...grants] };
}
