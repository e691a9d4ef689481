import { Construct } from "constructs";
import type { EnvironmentStack } from "./environment-stack";
import { Environment, knownProviders, registerTargetSettings, TargetSettings } from "../lib/environment";
import { dockerTarget } from "./docker/target";
import type { GcpBootstrapOptions } from "./gcp/bootstrap-stack";
import { gcpTarget } from "./gcp/target";
import { hetznerTarget } from "./hetzner/target";
import { BackendParts, EnvironmentParts } from "./parts";

/**
 * What a target builds, in its own folder: constructs/<target>/target.ts. A new target is that folder and
 * one registration (README "Adding a target"): the built-in ones below, or registerTarget from outside.
 */
export interface Target<E extends EnvironmentParts = Environment> {
  /** The environment's `provider` value. */
  readonly provider: string;
  /** Adds the Terraform providers its parts need to `scope` (the stack), configured from the environment. */
  providers(scope: Construct, env: E): void;
  /** The parts of the backend. */
  readonly parts: BackendParts<E, any, any, any, any>;
  /**
   * What must exist before the backend's stack and that CI must never change: a stack a person applies
   * once (npm run bootstrap), outside stacksOf. Google Cloud's: APIs, state bucket, image repository,
   * runtime and CI identities (gcp/bootstrap-stack.ts).
   */
  bootstrap?(scope: Construct, env: E, options: GcpBootstrapOptions): EnvironmentStack;
  /**
   * Stacks deployed before the backend's, in the app `scope` (Hetzner's machines, whose addresses the
   * backend's providers need: lib/environment/state.ts, stacksOf). The parts reach what is in them
   * through their constructs; cdktf turns that into cross-stack references.
   */
  before?(scope: Construct, env: E): EnvironmentStack[];
}

const TARGETS = new Map<string, Target<any>>([dockerTarget, hetznerTarget, gcpTarget].map((t) => [t.provider, t]));

/**
 * Adds a target from outside the core: its schema and location table (TargetSettings: what loading an
 * environment file checks) and what it builds (Target). Environment files may then name its `provider`.
 */
export function registerTarget<E extends EnvironmentParts>(target: Target<E> & TargetSettings): void {
  registerTargetSettings(target);
  TARGETS.set(target.provider, target);
}

export function targetFor<E extends Environment>(env: E): Target<E> {
  const target = TARGETS.get(env.provider);
  if (!target) throw new Error(`no target "${env.provider}" is registered (known: ${knownProviders().join(", ")})`);
  return target;
}
