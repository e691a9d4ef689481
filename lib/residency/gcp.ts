import { byId, hostOf, Location, ProviderLocations } from "./location";

const region = (id: string, name: string, country: string): Location =>
  ({ id, kind: "region", name, countries: [country] });

// https://cloud.google.com/about/locations — every region, with the country it is in.
const regions: Location[] = [
  region("africa-south1", "Johannesburg", "ZA"),
  region("asia-east1", "Changhua County, Taiwan", "TW"),
  region("asia-east2", "Hong Kong", "HK"),
  region("asia-northeast1", "Tokyo", "JP"),
  region("asia-northeast2", "Osaka", "JP"),
  region("asia-northeast3", "Seoul", "KR"),
  region("asia-south1", "Mumbai", "IN"),
  region("asia-south2", "Delhi", "IN"),
  region("asia-southeast1", "Jurong West, Singapore", "SG"),
  region("asia-southeast2", "Jakarta", "ID"),
  region("australia-southeast1", "Sydney", "AU"),
  region("australia-southeast2", "Melbourne", "AU"),
  region("europe-central2", "Warsaw", "PL"),
  region("europe-north1", "Hamina", "FI"),
  region("europe-north2", "Stockholm", "SE"),
  region("europe-southwest1", "Madrid", "ES"),
  region("europe-west1", "St. Ghislain", "BE"),
  region("europe-west2", "London", "GB"),
  region("europe-west3", "Frankfurt", "DE"),
  region("europe-west4", "Eemshaven", "NL"),
  region("europe-west6", "Zurich", "CH"),
  region("europe-west8", "Milan", "IT"),
  region("europe-west9", "Paris", "FR"),
  region("europe-west10", "Berlin", "DE"),
  region("europe-west12", "Turin", "IT"),
  region("me-central1", "Doha", "QA"),
  region("me-central2", "Dammam", "SA"),
  region("me-west1", "Tel Aviv", "IL"),
  region("northamerica-northeast1", "Montréal", "CA"),
  region("northamerica-northeast2", "Toronto", "CA"),
  region("northamerica-south1", "Querétaro", "MX"),
  region("southamerica-east1", "São Paulo", "BR"),
  region("southamerica-west1", "Santiago", "CL"),
  region("us-central1", "Council Bluffs, Iowa", "US"),
  region("us-east1", "Moncks Corner, South Carolina", "US"),
  region("us-east4", "Ashburn, Virginia", "US"),
  region("us-east5", "Columbus, Ohio", "US"),
  region("us-south1", "Dallas", "US"),
  region("us-west1", "The Dalles, Oregon", "US"),
  region("us-west2", "Los Angeles", "US"),
  region("us-west3", "Salt Lake City", "US"),
  region("us-west4", "Las Vegas", "US"),
];

const countriesOf = (...ids: string[]) => [...new Set(ids.flatMap((id) => byId(regions, id)!.countries))];
const inContinent = (prefix: string) => countriesOf(...regions.filter((r) => r.id.startsWith(prefix)).map((r) => r.id));

// Multi-regions (GCS, Cloud SQL backups, Artifact Registry's own names), predefined dual-regions (GCS), and
// Firestore's multi-regions (its own names; a GCS bucket cannot be put there).
// A multi-region may store data in any of its countries, so the policy judges all of them.
const multiRegions: Location[] = [
  { id: "EU", kind: "multi-region", name: "EU multi-region (EU member states)",
    countries: countriesOf("europe-central2", "europe-north1", "europe-north2", "europe-southwest1", "europe-west1",
      "europe-west3", "europe-west4", "europe-west8", "europe-west9", "europe-west10", "europe-west12") },
  { id: "US", kind: "multi-region", name: "US multi-region", countries: ["US"] },
  { id: "ASIA", kind: "multi-region", name: "Asia multi-region", countries: inContinent("asia-") },
  { id: "ASIA1", kind: "dual-region", name: "Tokyo + Osaka", countries: countriesOf("asia-northeast1", "asia-northeast2") },
  { id: "EUR4", kind: "dual-region", name: "Finland + Netherlands", countries: countriesOf("europe-north1", "europe-west4") },
  { id: "EUR5", kind: "dual-region", name: "Belgium + London", countries: countriesOf("europe-west1", "europe-west2") },
  { id: "EUR7", kind: "dual-region", name: "London + Frankfurt", countries: countriesOf("europe-west2", "europe-west3") },
  { id: "EUR8", kind: "dual-region", name: "Frankfurt + Zurich", countries: countriesOf("europe-west3", "europe-west6") },
  { id: "NAM4", kind: "dual-region", name: "Iowa + South Carolina", countries: ["US"] },
  // Artifact Registry's European multi-region (its `us` and `asia` are US's and ASIA's above, ids compare case-blind):
  // https://cloud.google.com/artifact-registry/docs/repositories/repo-locations
  { id: "europe", kind: "multi-region", name: "Artifact Registry Europe multi-region (EU member states)",
    countries: countriesOf("europe-central2", "europe-north1", "europe-north2", "europe-southwest1", "europe-west1",
      "europe-west3", "europe-west4", "europe-west8", "europe-west9", "europe-west10", "europe-west12") },
  // Firestore / Datastore multi-regions (`location_id`): https://cloud.google.com/firestore/docs/locations
  { id: "eur3", kind: "firestore-multi-region", name: "Firestore Europe multi-region (Belgium + Netherlands, witness Finland)",
    countries: countriesOf("europe-west1", "europe-west4", "europe-north1") },
  { id: "nam5", kind: "firestore-multi-region", name: "Firestore US central multi-region", countries: ["US"] },
  { id: "nam7", kind: "firestore-multi-region", name: "Firestore US central + east multi-region", countries: ["US"] },
];

const locations = [...regions, ...multiRegions];

export const gcp: ProviderLocations = {
  provider: "gcp",
  terraformProviders: ["google", "google-beta"],
  headquarters: "US",
  locations,
  environmentKinds: ["region"],
  resolve(value) {
    const v = value.trim();
    if (hostOf(v)) return undefined; // endpoints are not how GCP locations are named
    // Zones are <region>-<letter>, e.g. europe-west3-a.
    const zone = /^([a-z]+-[a-z]+[0-9]+)-[a-z]$/.exec(v);
    return byId(locations, zone ? zone[1] : v);
  },
};
