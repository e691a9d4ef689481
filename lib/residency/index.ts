import { docker } from "./docker";
import { gcp } from "./gcp";
import { hetzner } from "./hetzner";
import { ProviderLocations } from "./location";
import { LOCATIONLESS_PROVIDERS } from "./locationless";

export * from "./location";
export * from "./policy";
export { LOCATIONLESS_BACKENDS, LOCATIONLESS_PROVIDERS } from "./locationless";

/** One location table per provider an environment can choose. A new provider adds its table here. */
export const LOCATION_TABLES = { hetzner, gcp, docker } as const satisfies Record<string, ProviderLocations>;

/** The table that judges a Terraform provider type (`hcloud`, `google`, ...), if any stores data somewhere. */
export function tableForTerraformProvider(type: string): ProviderLocations | undefined {
  return Object.values(LOCATION_TABLES).find((t) => t.terraformProviders.includes(type));
}

/**
 * How the residency policy treats a Terraform provider type: judged by a location table, declared
 * to store nothing anywhere (with the reason), or unknown — which the aspect refuses.
 */
export function residencyOfTerraformProvider(type: string): ProviderLocations | { readonly locationless: string } | undefined {
  const table = tableForTerraformProvider(type);
  if (table) return table;
  return Object.hasOwn(LOCATIONLESS_PROVIDERS, type) ? { locationless: LOCATIONLESS_PROVIDERS[type] } : undefined;
}

/** The Terraform providers the residency policy knows, for messages: `hcloud, minio (hetzner), ..., random (no locations)`. */
export function knownTerraformProviders(): string {
  const tables = Object.values(LOCATION_TABLES).map((t) => `${t.terraformProviders.join(", ")} (${t.provider})`);
  return [...tables, `${Object.keys(LOCATIONLESS_PROVIDERS).join(", ")} (no locations)`].join("; ");
}
