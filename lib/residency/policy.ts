import { EEA_COUNTRIES } from "./countries";
import { Location, ProviderLocations } from "./location";

export interface ResidencyPolicy {
  readonly name: string;
  readonly description: string;
  /** Countries data may be stored in. */
  readonly countries: readonly string[];
  /** Whether a provider headquartered outside `countries` is refused (foreign law, e.g. the US CLOUD Act, reaches it). */
  readonly requireLocalHeadquarters: boolean;
}

export const RESIDENCY_POLICIES = {
  eu: {
    name: "eu",
    description: "data stays in the EU/EEA",
    countries: EEA_COUNTRIES,
    requireLocalHeadquarters: false,
  },
  "eu-sovereign": {
    name: "eu-sovereign",
    description: "data stays in the EU/EEA with providers headquartered in the EU/EEA (refuses US-headquartered clouds such as GCP)",
    countries: EEA_COUNTRIES,
    requireLocalHeadquarters: true,
  },
} as const satisfies Record<string, ResidencyPolicy>;

export type ResidencyPolicyName = keyof typeof RESIDENCY_POLICIES;
export const RESIDENCY_POLICY_NAMES = Object.keys(RESIDENCY_POLICIES) as [ResidencyPolicyName, ...ResidencyPolicyName[]];

export type Verdict = { allowed: true; location: Location } | { allowed: false; reason: string };

/**
 * Whether `policy` lets `table`'s provider put data at `value`; the reason names what is wrong. For
 * a value the table does not know, it lists what the policy allows (only of `kinds`, when given).
 */
export function judgeLocation(policy: ResidencyPolicy, table: ProviderLocations, value: string, kinds?: readonly Location["kind"][]): Verdict {
  const location = table.resolve(value);
  if (!location) {
    const allowed = allowedLocations(policy, table, kinds).map((l) => l.id).join(", ");
    return { allowed: false, reason: `"${value}" is not a known ${table.provider} location (allowed by policy "${policy.name}": ${allowed || "none"})` };
  }
  const outside = location.countries.filter((c) => !policy.countries.includes(c));
  if (outside.length > 0) {
    return {
      allowed: false,
      reason: `"${value}" (${location.name}, ${location.countries.join("/")}) is outside what policy "${policy.name}" allows: ${policy.description}`,
    };
  }
  const refusal = providerRefusal(policy, table);
  return refusal ? { allowed: false, reason: refusal } : { allowed: true, location };
}

/** Why `policy` refuses the company behind `table`'s provider altogether, or undefined if it accepts it. */
export function providerRefusal(policy: ResidencyPolicy, table: ProviderLocations): string | undefined {
  if (policy.requireLocalHeadquarters && table.headquarters !== null && !policy.countries.includes(table.headquarters)) {
    return `provider "${table.provider}" is headquartered in ${table.headquarters}; policy "${policy.name}" requires ${policy.description}`;
  }
  return undefined;
}

/** The locations of `table` that `policy` allows (only of `kinds`, when given). */
export function allowedLocations(policy: ResidencyPolicy, table: ProviderLocations, kinds?: readonly Location["kind"][]): Location[] {
  if (providerRefusal(policy, table)) return [];
  return table.locations.filter((l) => (!kinds || kinds.includes(l.kind)) && l.countries.every((c) => policy.countries.includes(c)));
}
