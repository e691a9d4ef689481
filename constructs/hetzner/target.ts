import { HetznerEnvironment } from "../../lib/environment";
import type { Target } from "../targets";
import { hetznerMachines, hetznerParts, hetznerProviders } from ".";

/** Hetzner Cloud: a stack of machines, then one of the containers on them. Its schema is lib/environment/schema.ts's hetznerEnvironment, its locations lib/residency/hetzner.ts. */
export const hetznerTarget: Target<HetznerEnvironment> = { provider: "hetzner", providers: hetznerProviders, parts: hetznerParts, before: hetznerMachines };
