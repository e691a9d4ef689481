import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { DataPortableDeployerSecret } from "../.gen/providers/portable/data-portable-deployer-secret";
import { PortableProvider } from "../.gen/providers/portable/provider";
import { Environment, SecretRef } from "../lib/environment";

/**
 * The app's secrets (`service.secrets`), read when Terraform plans from the deployer's environment
 * variables the file names, by the project's own provider (providers/portable). The values exist only
 * in the Terraform state and where the target delivers them; a missing variable fails the plan, before
 * anything changes, naming the variable and the file. Returns app variable → value reference.
 */
export function deployerSecrets(scope: Construct, env: Environment): Record<string, string> {
  const entries = Object.entries(env.service.secrets);
  if (entries.length === 0) return {};
  const secrets = new Construct(scope, "deployer-secrets");
  return Object.fromEntries(entries.map(([name, ref]) => [name, deployerSecret(secrets, name, ref, `${env.file}: service.secrets.${name}`)]));
}

/**
 * One secret of the deployer's, read the same way (a backup key, an off-site store's keys): a reference
 * to its value; `usedBy` (file: field) is what a missing variable's error names.
 */
export function deployerSecret(scope: Construct, id: string, ref: SecretRef, usedBy: string): string {
  return new DataPortableDeployerSecret(scope, id, { provider: portableProvider(scope), variable: ref.env, usedBy }).value;
}

/** The stack's `portable` provider (it takes no configuration), made on first use. */
export function portableProvider(scope: Construct): PortableProvider {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild("portable");
  return existing instanceof PortableProvider ? existing : new PortableProvider(stack, "portable", {});
}
