import { docker } from "./docker";
import { gcp } from "./gcp";
import { hetzner } from "./hetzner";
import { ProviderLocations } from "./location";

export * from "./location";
export * from "./policy";

/** One location table per provider an environment can choose. A new provider adds its table here. */
export const LOCATION_TABLES = { hetzner, gcp, docker } as const satisfies Record<string, ProviderLocations>;

/** The table that judges a Terraform provider type (`hcloud`, `google`, ...), if any stores data somewhere. */
export function tableForTerraformProvider(type: string): ProviderLocations | undefined {
  return Object.values(LOCATION_TABLES).find((t) => t.terraformProviders.includes(type));
}
