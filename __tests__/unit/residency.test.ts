import { allowedLocations, judgeLocation, LOCATION_TABLES, RESIDENCY_POLICIES } from "../../lib/residency";

const { eu, "eu-sovereign": sovereign } = RESIDENCY_POLICIES;

// Written out by hand (not derived from the tables) so a wrong country in a table fails here.
const EU_ALLOWED = {
  hetzner: ["fsn1", "nbg1", "hel1", "eu-central"],
  gcp: [
    "europe-central2", "europe-north1", "europe-north2", "europe-southwest1", "europe-west1", "europe-west3",
    "europe-west4", "europe-west8", "europe-west9", "europe-west10", "europe-west12", "EU", "EUR4",
  ],
  docker: [
    "at", "be", "bg", "hr", "cy", "cz", "dk", "ee", "fi", "fr", "de", "gr", "hu", "ie", "it", "lv", "lt", "lu",
    "mt", "nl", "pl", "pt", "ro", "sk", "si", "es", "se", "is", "li", "no",
  ],
};

describe.each(Object.entries(LOCATION_TABLES))("%s locations", (provider, table) => {
  const expected = EU_ALLOWED[provider as keyof typeof EU_ALLOWED];

  test("the table knows every location the expectations name", () => {
    expect(table.locations.map((l) => l.id)).toEqual(expect.arrayContaining(expected));
  });

  test.each(table.locations.map((l) => [l.id, l.countries.join("/")]))("policy eu judges %s (%s)", (id) => {
    const verdict = judgeLocation(eu, table, id);
    expect(verdict.allowed).toBe(expected.includes(id));
    if (!verdict.allowed) expect(verdict.reason).toContain('policy "eu"');
  });

  test.each(table.locations.map((l) => [l.id]))("policy eu-sovereign judges %s", (id) => {
    const verdict = judgeLocation(sovereign, table, id);
    // eu-sovereign also refuses providers headquartered outside the EU/EEA: GCP is US-headquartered.
    expect(verdict.allowed).toBe(provider !== "gcp" && expected.includes(id));
  });
});

describe("location values the providers' APIs use", () => {
  test.each([
    ["hetzner", "fsn1-dc14", true], ["hetzner", "hel1-dc2", true], ["hetzner", "ash-dc1", false], ["hetzner", "sin-dc1", false],
    ["hetzner", "https://fsn1.your-objectstorage.com", true], ["hetzner", "nbg1.your-objectstorage.com", true],
    ["hetzner", "https://s3.us-east-1.amazonaws.com", false],
    ["gcp", "europe-west3-a", true], ["gcp", "europe-west10-c", true], ["gcp", "us-central1-f", false],
    ["gcp", "europe-west2-b", false], ["gcp", "eu", true], ["gcp", "global", false],
    ["hetzner", "fsn2", false], ["gcp", "europe-west99", false],
  ])("%s %s → allowed: %s", (provider, value, allowed) => {
    expect(judgeLocation(eu, LOCATION_TABLES[provider as keyof typeof LOCATION_TABLES], value as string).allowed).toBe(allowed);
  });

  test("an unknown value is refused, naming what the policy allows", () => {
    const verdict = judgeLocation(eu, LOCATION_TABLES.hetzner, "fsn9");
    expect(verdict).toEqual({ allowed: false, reason: expect.stringContaining('"fsn9" is not a known hetzner location') });
    expect(!verdict.allowed && verdict.reason).toContain("fsn1, nbg1, hel1");
  });

  test("eu-sovereign allows no GCP location at all", () => {
    expect(allowedLocations(sovereign, LOCATION_TABLES.gcp)).toEqual([]);
    expect(allowedLocations(sovereign, LOCATION_TABLES.hetzner).map((l) => l.id)).toEqual(EU_ALLOWED.hetzner);
  });
});
