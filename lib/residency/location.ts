/** One place a provider can put data, and the countries that place may store it in. */
export interface Location {
  /** The identifier the provider's API uses, e.g. `fsn1`, `europe-west3`, `EU`. */
  readonly id: string;
  readonly kind: "location" | "network-zone" | "datacenter" | "region" | "multi-region" | "dual-region" | "firestore-multi-region" | "country";
  /** Human-readable place, for error messages. */
  readonly name: string;
  /** Every country the provider may store data in for this location (one for a region, several for a multi-region). */
  readonly countries: readonly string[];
}

/** Everything the residency policy needs to know about one provider. */
export interface ProviderLocations {
  /** The environment's `provider` value this table belongs to. */
  readonly provider: string;
  /** Terraform provider types (resource-type prefixes) whose attributes are judged against this table. */
  readonly terraformProviders: readonly string[];
  /** Where the company operating the infrastructure is headquartered (null: the user operates it). */
  readonly headquarters: string | null;
  readonly locations: readonly Location[];
  /**
   * The kinds of location an environment file's `location` may name: where its servers run. Other
   * kinds are places too (a network zone, a multi-region) but no server can be put there.
   */
  readonly environmentKinds: readonly Location["kind"][];
  /**
   * Maps any location-like value the provider's API accepts (a zone, a datacenter, an endpoint host)
   * to a table entry. Returns undefined for values the table does not know: the policy refuses those.
   */
  resolve(value: string): Location | undefined;
}

export function byId(locations: readonly Location[], id: string): Location | undefined {
  const wanted = id.toLowerCase();
  return locations.find((l) => l.id.toLowerCase() === wanted);
}

/** The host of a URL or bare `host[:port]` endpoint, or undefined for a plain identifier. */
export function hostOf(value: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    try { return new URL(value).hostname.toLowerCase(); } catch { return undefined; }
  }
  return value.includes(".") ? value.split(":")[0].toLowerCase() : undefined;
}
