/**
 * Countries whose law governs the data stored in them, as ISO 3166-1 alpha-2 codes.
 * The EEA (EU + Iceland, Liechtenstein, Norway) is where the GDPR applies directly.
 */
export const EU_MEMBER_STATES = [
  "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
  "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
] as const;

export const EEA_COUNTRIES: readonly string[] = [...EU_MEMBER_STATES, "IS", "LI", "NO"];

export function isEea(country: string): boolean {
  return EEA_COUNTRIES.includes(country.toUpperCase());
}
