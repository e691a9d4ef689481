import { Construct } from "constructs";
import type { EnvironmentStack } from "./environment-stack";
import { Environment } from "../lib/environment";
import { dockerParts, dockerProviders } from "./docker";
import { gcpCi, gcpParts, gcpProviders } from "./gcp";
import { hetznerMachines, hetznerParts, hetznerProviders } from "./hetzner";
import { BackendParts } from "./parts";

/** What each kind of infrastructure implements. A new provider is one folder plus one entry here. */
export interface Target<E extends Environment> {
  providers(scope: Construct, env: E): void;
  /** The six parts of the backend. */
  parts: BackendParts<E, any, any, any>;
  /** Keyless access for CI (GitHub Actions), where the target's cloud can federate identities. */
  ci?(scope: Construct, env: E): void;
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
  gcp: { providers: gcpProviders, parts: gcpParts, ci: gcpCi },
};

export function targetFor<E extends Environment>(env: E): Target<E> {
  return TARGETS[env.provider] as unknown as Target<E>;
}
