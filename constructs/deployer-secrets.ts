import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { DataPortableDeployerSecret } from "../.gen/providers/portable/data-portable-deployer-secret";
import { PortableProvider } from "../.gen/providers/portable/provider";
import { Environment } from "../lib/environment";

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
  const provider = portableProvider(scope);
  return Object.fromEntries(entries.map(([name, ref]) => {
    const secret = new DataPortableDeployerSecret(secrets, name, { provider, variable: ref.env, usedBy: `${env.file}: service.secrets.${name}` });
    return [name, secret.value];
  }));
}

/** The stack's `portable` provider (it takes no configuration), made on first use. */
export function portableProvider(scope: Construct): PortableProvider {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild("portable");
  return existing instanceof PortableProvider ? existing : new PortableProvider(stack, "portable", {});
}
