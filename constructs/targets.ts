import { Construct } from "constructs";
import type { EnvironmentStack } from "./environment-stack";
import { Environment } from "../lib/environment";
import { dockerParts, dockerProviders } from "./docker";
import { gcpParts, gcpProviders } from "./gcp";
import { GcpBootstrapOptions, GcpBootstrapStack } from "./gcp/bootstrap-stack";
import { hetznerMachines, hetznerParts, hetznerProviders } from "./hetzner";
import { BackendParts } from "./parts";

/** What each kind of infrastructure implements. A new provider is one folder plus one entry here. */
export interface Target<E extends Environment> {
  providers(scope: Construct, env: E): void;
  /** The six parts of the backend. */
  parts: BackendParts<E, any, any, any>;
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

type TargetFor = { [P in Environment["provider"]]: Target<Extract<Environment, { provider: P }>> };

export const TARGETS: TargetFor = {
  docker: { providers: dockerProviders, parts: dockerParts },
  hetzner: { providers: hetznerProviders, parts: hetznerParts, before: hetznerMachines },
  gcp: { providers: gcpProviders, parts: gcpParts, bootstrap: (scope, env, options) => new GcpBootstrapStack(scope, env, options) },
};

export function targetFor<E extends Environment>(env: E): Target<E> {
  return TARGETS[env.provider] as unknown as Target<E>;
}
