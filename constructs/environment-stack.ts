import { Construct } from "constructs";
import { Aspects, TerraformProvider, TerraformStack } from "cdktf";
import { Environment, StatePart } from "../lib/environment";
import { PINNED_PROVIDERS, PinnedProvider } from "../lib/providers";
import { RESIDENCY_POLICIES } from "../lib/residency";
import { ResidencyAspect } from "./residency-aspect";
import { stateBackend } from "./state-backend";

/**
 * A stack of an environment: its state backend, and the residency policy enforced over everything in
 * it. An environment is one stack, or (Hetzner) its machines' stack and then the backend's (stacksOf).
 */
export class EnvironmentStack extends TerraformStack {
  readonly environment: Environment;
  readonly residency: ResidencyAspect;

  /** `localState`: keep this stack's state in a local file whatever the file says (a bootstrap's first apply). */
  constructor(scope: Construct, env: Environment, name: string, part: StatePart, options: { localState?: boolean } = {}) {
    super(scope, name);
    this.environment = env;
    stateBackend(this, env, part, options.localState);
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
  pinProviders(stack, providersOf(stack));
}

/** Every provider configured in `stack`. */
export const providersOf = (stack: TerraformStack): TerraformProvider[] =>
  stack.node.findAll().filter((c): c is TerraformProvider => c instanceof TerraformProvider);

/** Pins `providers` of `stack` as pinProviderVersions does; a provider the mirror does not build is an error. */
export function pinProviders(stack: TerraformStack, providers: readonly TerraformProvider[]): void {
  for (const provider of providers) {
    const type = provider.terraformResourceType;
    const pinned = (PINNED_PROVIDERS as Record<string, PinnedProvider>)[type];
    if (!pinned) throw new Error(`provider "${type}" is not in lib/providers.ts: add it there so \`npm run providers\` builds it`);
    stack.addOverride(`terraform.required_providers.${type}`, { source: pinned.source, version: pinned.version });
  }
}
