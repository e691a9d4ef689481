import { Construct } from "constructs";
import { Aspects, TerraformProvider, TerraformStack } from "cdktf";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { Environment } from "../lib/environment";
import { PINNED_PROVIDERS, PinnedProvider } from "../lib/providers";
import { RESIDENCY_POLICIES } from "../lib/residency";
import { ResidencyAspect } from "./residency-aspect";
import { stateBackend } from "./state-backend";
import { targetFor } from "./targets";
import { Backend } from "./backend";

/**
 * One deployable environment: its providers, its state backend, and the residency policy
 * enforced over everything in it.
 */
export class BackendStack extends TerraformStack {
  readonly environment: Environment;
  readonly residency: ResidencyAspect;

  constructor(scope: Construct, env: Environment) {
    super(scope, env.name);
    this.environment = env;
    stateBackend(this, env);
    const target = targetFor(env);
    target.providers(this, env);
    // Passwords and keys are generated at apply time, never written in code.
    new RandomProvider(this, "random");
    new Backend(this, "app", env, target.parts); // "backend" is the state backend's id
    target.ci?.(this, env);
    this.residency = new ResidencyAspect(RESIDENCY_POLICIES[env.residency]);
    Aspects.of(this).add(this.residency);
  }

  /**
   * Pins the providers when the configuration is written (Testing.synth and app.synth both come
   * here), not in the constructor: `extend` (backend-app.ts) may add providers after it, which
   * would otherwise keep the version their binding was generated for.
   */
  override toTerraform(): any {
    pinProviderVersions(this);
    return super.toTerraform();
  }
}

/**
 * Pins every provider in `stack` to exactly the build in the offline mirror (lib/providers.ts),
 * which for prebuilt bindings differs from the version they were generated for.
 */
export function pinProviderVersions(stack: TerraformStack): void {
  const providers = stack.node.findAll().filter((c): c is TerraformProvider => c instanceof TerraformProvider);
  for (const provider of providers) {
    const type = provider.terraformResourceType;
    const pinned = (PINNED_PROVIDERS as Record<string, PinnedProvider>)[type];
    if (!pinned) throw new Error(`provider "${type}" is not in lib/providers.ts: add it there so \`npm run providers\` builds it`);
    stack.addOverride(`terraform.required_providers.${type}`, { source: pinned.source, version: pinned.version });
  }
}

/**
 * Runs every stack's residency aspect before synthesis. cdktf invokes aspects stack by stack while
 * writing, so a violation in the third stack would otherwise leave the first two written.
 */
export function enforceResidency(stacks: readonly BackendStack[]): void {
  for (const stack of stacks) {
    for (const node of stack.node.findAll()) stack.residency.visit(node);
  }
  const violations = stacks.flatMap((s) => s.residency.violations.map((v) => ({ policy: s.residency.policy.name, ...v })));
  if (violations.length > 0) {
    const lines = violations.map((v) => `  - ${v.path}: ${v.attribute} = "${v.value}" — ${v.reason}`);
    throw new Error(`Residency policy violated; nothing was synthesized:\n${lines.join("\n")}`);
  }
}
