import { Construct } from "constructs";
import { Environment } from "../lib/environment";
import { dockerParts, dockerProviders } from "./docker";
import { gcpCi, gcpParts, gcpProviders } from "./gcp";
import { hetznerParts, hetznerProviders } from "./hetzner";
import { BackendParts } from "./parts";

/** What each kind of infrastructure implements. A new provider is one folder plus one entry here. */
export interface Target<E extends Environment> {
  providers(scope: Construct, env: E): void;
  /** The six parts of the backend. */
  parts: BackendParts<E, any, any, any>;
  /** Keyless access for CI (GitHub Actions), where the target's cloud can federate identities. */
  ci?(scope: Construct, env: E): void;
}

type TargetFor = { [P in Environment["provider"]]: Target<Extract<Environment, { provider: P }>> };

export const TARGETS: TargetFor = {
  docker: { providers: dockerProviders, parts: dockerParts },
  hetzner: { providers: hetznerProviders, parts: hetznerParts },
  gcp: { providers: gcpProviders, parts: gcpParts, ci: gcpCi },
};

export function targetFor<E extends Environment>(env: E): Target<E> {
  return TARGETS[env.provider] as unknown as Target<E>;
}
