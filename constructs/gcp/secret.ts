import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { SecretManagerSecret } from "@cdktf/provider-google/lib/secret-manager-secret";
import { SecretManagerSecretIamMember } from "@cdktf/provider-google/lib/secret-manager-secret-iam-member";
import { SecretManagerSecretVersion } from "@cdktf/provider-google/lib/secret-manager-secret-version";
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

export interface RegionalSecretProps {
  /** Prefix of the secret's id (`<name>-<id>`): the environment's name. */
  readonly name: string;
  /** The one region the secret is replicated in (automatic replication could place it anywhere). */
  readonly location: string;
  /** The value; with an ephemeral part (ephemeral.ts) it is written only, never stored in the state. */
  readonly value: string;
  /**
   * Members who may read it (`serviceAccount:...`).
   * @default none: only those with project-wide access
   */
  readonly readers?: readonly string[];
  /**
   * Labels of the secret.
   * @default none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A Secret Manager secret holding `value`, replicated only in `location`, readable by `readers` and
 * nobody else. A value with an ephemeral part is written-only: Secret Manager has it, the state does not.
 */
export function regionalSecret(scope: Construct, id: string, props: RegionalSecretProps): RegionalSecret {
  const { value } = props;
  const secret = new SecretManagerSecret(scope, id, {
    secretId: `${props.name}-${id}`,
    replication: { userManaged: { replicas: [{ location: props.location }] } },
    labels: props.labels,
  });
  // A value carrying an ephemeral one (the database password) is written and never stored (ephemeral.ts).
  const version = new SecretManagerSecretVersion(scope, `${id}-version`, hasEphemeralValue(value)
    ? { secret: secret.id, secretDataWo: value, secretDataWoVersion: writeOnlyVersion(value) }
    : { secret: secret.id, secretData: value });
  const grants = (props.readers ?? []).map((member, i) => new SecretManagerSecretIamMember(scope, `${id}-reader-${i}`, {
    secretId: secret.id, role: "roles/secretmanager.secretAccessor", member,
  }));
  return { secret, version, readable: [version, ...grants] };
}
