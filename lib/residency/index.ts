import { docker } from "./docker";
import { gcp } from "./gcp";
import { hetzner } from "./hetzner";
import { ProviderLocations } from "./location";
import { LOCATIONLESS_BACKENDS, LOCATIONLESS_PROVIDERS } from "./locationless";

export * from "./location";
export * from "./policy";
export { LOCATIONLESS_BACKENDS, LOCATIONLESS_PROVIDERS } from "./locationless";

/** The location tables of the built-in targets. A target registered from outside brings its own (registerLocationTable). */
export const LOCATION_TABLES = { hetzner, gcp, docker } as const satisfies Record<string, ProviderLocations>;

const registered = new Map<string, ProviderLocations>();

/** Adds a registered target's table (constructs/targets.ts, registerTarget): its locations and the Terraform providers it judges. */
export function registerLocationTable(table: ProviderLocations): void {
  if (locationTable(table.provider)) throw new Error(`a location table for provider "${table.provider}" exists already`);
  registered.set(table.provider, table);
}

/** The table of an environment's `provider`, built in or registered. */
export function locationTable(provider: string): ProviderLocations | undefined {
  return Object.hasOwn(LOCATION_TABLES, provider) ? LOCATION_TABLES[provider as keyof typeof LOCATION_TABLES] : registered.get(provider);
}

const allTables = (): ProviderLocations[] => [...Object.values(LOCATION_TABLES), ...registered.values()];

/** The table that judges a Terraform provider type (`hcloud`, `google`, ...), if any stores data somewhere. */
export function tableForTerraformProvider(type: string): ProviderLocations | undefined {
  return allTables().find((t) => t.terraformProviders.includes(type));
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

/**
 * A state backend's storage is judged by the table of the provider that hosts it; LOCATIONLESS_BACKENDS
 * keep it on the machine running Terraform. Any other backend (HCP Terraform, azurerm, http, ...) is
 * refused: the state holds every generated secret.
 */
export const BACKEND_TABLES = { s3: "hetzner", gcs: "gcp" } as const satisfies Record<string, keyof typeof LOCATION_TABLES>;

/** How the residency policy treats a state backend type, as residencyOfTerraformProvider a provider. */
export function residencyOfBackend(type: string): ProviderLocations | { readonly locationless: string } | undefined {
  if (Object.hasOwn(BACKEND_TABLES, type)) return LOCATION_TABLES[BACKEND_TABLES[type as keyof typeof BACKEND_TABLES]];
  return Object.hasOwn(LOCATIONLESS_BACKENDS, type) ? { locationless: LOCATIONLESS_BACKENDS[type] } : undefined;
}

/** The Terraform providers the residency policy knows, for messages: `hcloud, s3 (hetzner), ..., random (no locations)`. */
export function knownTerraformProviders(): string {
  const tables = allTables().map((t) => `${t.terraformProviders.join(", ")} (${t.provider})`);
  return [...tables, `${Object.keys(LOCATIONLESS_PROVIDERS).join(", ")} (no locations)`].join("; ");
}
