import { EEA_COUNTRIES } from "./countries";
import { Location, ProviderLocations } from "./location";

// A Docker host is wherever its machine is: the environment names that country (ISO 3166-1 alpha-2,
// lower case), e.g. `de` for a VPS in Falkenstein. The table lists the EEA plus the countries teams
// most often rent servers in, so a non-EU host is refused by name rather than as unknown.
const OTHER_COUNTRIES: Record<string, string> = {
  CH: "Switzerland", GB: "United Kingdom", US: "United States", CA: "Canada", SG: "Singapore",
  JP: "Japan", AU: "Australia", IN: "India", BR: "Brazil", ZA: "South Africa",
};
const EEA_NAMES: Record<string, string> = {
  AT: "Austria", BE: "Belgium", BG: "Bulgaria", HR: "Croatia", CY: "Cyprus", CZ: "Czechia", DK: "Denmark",
  EE: "Estonia", FI: "Finland", FR: "France", DE: "Germany", GR: "Greece", HU: "Hungary", IE: "Ireland",
  IT: "Italy", LV: "Latvia", LT: "Lithuania", LU: "Luxembourg", MT: "Malta", NL: "Netherlands", PL: "Poland",
  PT: "Portugal", RO: "Romania", SK: "Slovakia", SI: "Slovenia", ES: "Spain", SE: "Sweden",
  IS: "Iceland", LI: "Liechtenstein", NO: "Norway",
};

const locations: Location[] = [...EEA_COUNTRIES, ...Object.keys(OTHER_COUNTRIES)].map((cc) => ({
  id: cc.toLowerCase(), kind: "country", name: EEA_NAMES[cc] ?? OTHER_COUNTRIES[cc], countries: [cc],
}));

export const docker: ProviderLocations = {
  provider: "docker",
  terraformProviders: ["docker"],
  // The team running the host operates it; no cloud company sits between them and the data.
  headquarters: null,
  locations,
  environmentKinds: ["country"],
  resolve: (value) => locations.find((l) => l.id === value.trim().toLowerCase()),
};
