import { allowedLocations, judgeLocation, LOCATION_TABLES, RESIDENCY_POLICIES, residencyOfTerraformProvider } from "../../lib/residency";
import { impliedLocations, locationAttributes } from "../../lib/residency/attributes";
import { parseReference, templateParts } from "../../lib/residency/expressions";

const { eu, "eu-sovereign": sovereign } = RESIDENCY_POLICIES;

// Written out by hand (not derived from the tables) so a wrong country in a table fails here.
const EU_ALLOWED = {
  hetzner: ["fsn1", "nbg1", "hel1", "eu-central"],
  gcp: [
    "europe-central2", "europe-north1", "europe-north2", "europe-southwest1", "europe-west1", "europe-west3",
    "europe-west4", "europe-west8", "europe-west9", "europe-west10", "europe-west12", "EU", "europe", "EUR4", "eur3",
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

describe("which Terraform providers the policy knows", () => {
  test("a provider with a table is judged by it; random is declared to have no locations; anything else is unknown", () => {
    expect(residencyOfTerraformProvider("hcloud")).toBe(LOCATION_TABLES.hetzner);
    expect(residencyOfTerraformProvider("google-beta")).toBe(LOCATION_TABLES.gcp);
    expect(residencyOfTerraformProvider("docker")).toBe(LOCATION_TABLES.docker);
    expect(residencyOfTerraformProvider("random")).toEqual({ locationless: expect.stringContaining("only in the state") });
    expect(residencyOfTerraformProvider("aws")).toBeUndefined();
    expect(residencyOfTerraformProvider("toString")).toBeUndefined(); // not an inherited property either
  });

  test("the environment's own location must be a place a server can be put: a kind each table names", () => {
    expect(LOCATION_TABLES.hetzner.environmentKinds).toEqual(["location"]);
    expect(LOCATION_TABLES.gcp.environmentKinds).toEqual(["region"]);
    expect(allowedLocations(eu, LOCATION_TABLES.hetzner, ["location"]).map((l) => l.id)).toEqual(["fsn1", "nbg1", "hel1"]);
    const verdict = judgeLocation(eu, LOCATION_TABLES.hetzner, "fsn9", ["location"]);
    expect(!verdict.allowed && verdict.reason).toBe('"fsn9" is not a known hetzner location (allowed by policy "eu": fsn1, nbg1, hel1)');
  });
});

describe("location attributes", () => {
  const found = (block: object, type: string) => [...locationAttributes(block, type)];

  test("location_id (Firestore, App Engine, Redis) and Redis' alternative zone are places; time zones are not", () => {
    expect(found({ location_id: "nam5", type: "FIRESTORE_NATIVE" }, "google_firestore_database")).toEqual([["location_id", "nam5"]]);
    expect(found({ location_id: "europe-west3-a", alternative_location_id: "us-east1-b" }, "google_redis_instance"))
      .toEqual([["location_id", "europe-west3-a"], ["alternative_location_id", "us-east1-b"]]);
    expect(found({ message_storage_policy: { allowed_persistence_regions: ["us-east1"] } }, "google_pubsub_topic"))
      .toEqual([["message_storage_policy.allowed_persistence_regions[0]", "us-east1"]]);
    expect(found({ schedule_time_zone: "Europe/Berlin", default_time_zone: "UTC", time_zone: "UTC" }, "google_x")).toEqual([]);
  });

  test("Firestore's multi-regions are in the GCP table: eur3 in the EU, nam5 not", () => {
    expect(judgeLocation(eu, LOCATION_TABLES.gcp, "eur3").allowed).toBe(true);
    expect(judgeLocation(eu, LOCATION_TABLES.gcp, "nam5")).toEqual({ allowed: false, reason: expect.stringContaining("outside what policy \"eu\" allows") });
  });

  test("places a block implies without naming them: an auto-replicated secret, a dataset with no location", () => {
    expect(impliedLocations({ secret_id: "s", replication: { auto: {} } }, "google_secret_manager_secret")).toEqual([["replication.auto", "global"]]);
    expect(impliedLocations({ secret_id: "s", replication: { user_managed: { replicas: [{ location: "europe-west3" }] } } }, "google_secret_manager_secret")).toEqual([]);
    expect(impliedLocations({ dataset_id: "d" }, "google_bigquery_dataset")).toEqual([["location", "US"]]);
    expect(impliedLocations({ dataset_id: "d", location: "EU" }, "google_bigquery_dataset")).toEqual([]);
    expect(judgeLocation(eu, LOCATION_TABLES.gcp, "global").allowed).toBe(false);
  });
});

describe("reading Terraform expressions", () => {
  test("a template splits into text and interpolations; $${ is a literal; directives and nested braces are not followed", () => {
    expect(templateParts("${local.region}-a")).toEqual([{ expression: "local.region" }, { literal: "-a" }]);
    expect(templateParts("eu-$${x}")).toEqual([{ literal: "eu-${x}" }]);
    expect(templateParts('%{ if var.x }EU%{ endif }')).toBeUndefined();
    expect(templateParts('${{ a = "EU" }.a}')).toBeUndefined();
    expect(templateParts("${local.a")).toBeUndefined();
  });

  test.each([
    ["local.region", { kind: "local", name: "region", path: [] }],
    ["var.where", { kind: "var", name: "where", path: [] }],
    ['var.places["data"][0]', { kind: "var", name: "places", path: ["data", 0] }],
    ["google_cloud_run_v2_service.app_service_5B6F90B3.location", { kind: "resource", type: "google_cloud_run_v2_service", name: "app_service_5B6F90B3", path: ["location"] }],
    ["google_sql_database_instance.db.settings[0].location_preference[0].zone", { kind: "resource", type: "google_sql_database_instance", name: "db", path: ["settings", 0, "location_preference", 0, "zone"] }],
    ["data.google_compute_zones.z.names[0]", { kind: "data", type: "google_compute_zones", name: "z", path: ["names", 0] }],
  ])("%s is a reference", (expression, reference) => {
    expect(parseReference(expression)).toEqual(reference);
  });

  test.each(['upper("us")', "each.value", "count.index", "google_storage_bucket.a", 'var.a == "x" ? "EU" : "US"', "local.a[var.i]"])("%s is not", (expression) => {
    expect(parseReference(expression)).toBeUndefined();
  });
});
