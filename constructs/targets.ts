import { Construct } from "constructs";
import { Environment } from "../lib/environment";
import { dockerProviders } from "./docker/providers";
import { gcpProviders } from "./gcp/providers";
import { hetznerProviders } from "./hetzner/providers";

/** What each kind of infrastructure implements. A new provider is one folder plus one entry here. */
export interface Target<E extends Environment> {
  providers(scope: Construct, env: E): void;
}

type TargetFor = { [P in Environment["provider"]]: Target<Extract<Environment, { provider: P }>> };

export const TARGETS: TargetFor = {
  docker: { providers: dockerProviders },
  hetzner: { providers: hetznerProviders },
  gcp: { providers: gcpProviders },
};

export function targetFor<E extends Environment>(env: E): Target<E> {
  return TARGETS[env.provider] as unknown as Target<E>;
}
