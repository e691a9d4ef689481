import {
  AzurermBackend, CloudBackend, Fn, GcsBackend, HttpBackend, NamedCloudWorkspace, TerraformBackend, TerraformHclModule, TerraformLocal,
  TerraformResource, TerraformVariable, Testing,
} from "cdktf";
import { StorageBucket } from "@cdktf/provider-google/lib/storage-bucket";
import { FirestoreDatabase } from "@cdktf/provider-google/lib/firestore-database";
import { SecretManagerSecret } from "@cdktf/provider-google/lib/secret-manager-secret";
import { BigqueryDataset } from "@cdktf/provider-google/lib/bigquery-dataset";
import { DnsManagedZone } from "@cdktf/provider-google/lib/dns-managed-zone";
import { BackendStack, enforceResidency } from "../../constructs/backend-stack";
import { Violation } from "../../constructs/residency-aspect";
import { shippedEnvironment as env, shippedEnvironments } from "../support/shipped-environments";

/*
 * The residency aspect fails closed: what it cannot judge — a provider or backend with no table, an
 * expression whose value synth cannot know, a module — is refused, not skipped.
 */

const environments = shippedEnvironments();

/** The violations of `env`'s stack after `extend` added to it, the way createBackendApp's `extend` hook does. */
function violations(envName: string, extend: (stack: BackendStack) => void): Violation[] {
  const stack = new BackendStack(Testing.app(), env(envName));
  extend(stack);
  try { enforceResidency([stack]); } catch { /* the violations are what is checked */ }
  return stack.residency.violations;
}

const lines = (vs: Violation[]) => vs.map((v) => `${v.path}: ${v.attribute} = "${v.value}" — ${v.reason}`);

test("every shipped stack passes: random (no locations) and references to checked locations are allowed", () => {
  for (const e of environments) expect(lines(violations(e.name, () => {}))).toEqual([]);
});

describe("providers and backends with no residency table are refused", () => {
  test("a resource of a provider with no table (an S3 bucket in us-east-1), naming path, type, what is allowed and how to add one", () => {
    const found = violations("gcp-prod", (stack) => {
      new TerraformResource(stack, "exports", { terraformResourceType: "aws_s3_bucket" }).addOverride("region", "us-east-1");
    });
    expect(found).toEqual([{ path: "gcp-prod/exports", attribute: "(type)", value: "aws_s3_bucket", reason: expect.any(String) }]);
    expect(found[0].reason).toBe(
      'provider "aws" has no residency table, so where it puts data cannot be judged; only providers with a location table are allowed ' +
      "(hcloud, s3 (hetzner); google, google-beta (gcp); docker (docker); terraform, random, portable (no locations)). To use it, add its table (every location " +
      "with its country) to lib/residency/ and LOCATION_TABLES, or, if it stores nothing anywhere, list it in LOCATIONLESS_PROVIDERS (lib/residency/locationless.ts)",
    );
  });

  test("what stack.addOverride adds is judged at the stack: a provider with no table, and a location changed after the fact", () => {
    const found = violations("gcp-prod", (stack) => {
      stack.addOverride("provider.aws", [{ region: "us-east-1" }]);
      stack.addOverride("data.aws_s3_bucket.b", { bucket: "b" });
      stack.addOverride("resource.google_storage_bucket.app_bucket_66860276.location", "US");
    });
    expect(found.map((v) => `${v.path}: ${v.attribute} = ${v.value}`)).toEqual([
      "gcp-prod: location = US", "gcp-prod: (type) = aws_s3_bucket", "gcp-prod: (type) = aws",
    ]);
  });

  test.each<[string, (stack: BackendStack) => TerraformBackend]>([
    ["cloud", (s) => new CloudBackend(s, { organization: "acme", workspaces: new NamedCloudWorkspace("local") })],
    ["azurerm", (s) => new AzurermBackend(s, { storageAccountName: "acme", containerName: "state", key: "local", resourceGroupName: "rg" })],
    ["http", (s) => new HttpBackend(s, { address: "https://state.example.com/local" })],
  ])("state in a %s backend is refused: the state holds every generated secret", (kind, backend) => {
    const found = violations("local", (stack) => {
      stack.node.tryRemoveChild("backend");
      backend(stack);
    });
    expect(found).toEqual([{ path: "local/backend", attribute: "(backend)", value: kind, reason: expect.stringContaining("the state (which holds every generated secret) may only be kept where a location table can judge it: s3 (hetzner), gcs (gcp), local") }]);
  });

  test("a gcs backend that does not declare where its bucket is is refused", () => {
    const found = violations("local", (stack) => {
      stack.node.tryRemoveChild("backend");
      new GcsBackend(stack, { bucket: "acme-state" });
    });
    expect(lines(found)).toEqual(['local/backend: (backend) = "gcs" — the gcs backend names no location: declare where its bucket is with node.addMetadata("residency:location", <location>)']);
  });

  test("a module is refused: its resources are not in the tree the aspect judges", () => {
    const found = violations("gcp-prod", (stack) => new TerraformHclModule(stack, "vpc", { source: "terraform-google-modules/network/google" }));
    expect(found).toEqual([{ path: "gcp-prod/vpc", attribute: "(module)", value: "terraform-google-modules/network/google", reason: expect.stringContaining("a module's resources are not in the synthesized tree") }]);
  });

  test("eu-sovereign refuses a GCP resource even when it names no location", () => {
    const found = violations("hetzner-prod", (stack) => new DnsManagedZone(stack, "zone", { name: "z", dnsName: "acme.de." }));
    expect(lines(found)).toEqual(['hetzner-prod-apps/zone: (type) = "google_dns_managed_zone" — provider "gcp" is headquartered in US; policy "eu-sovereign" requires data stays in the EU/EEA with providers headquartered in the EU/EEA (refuses US-headquartered clouds such as GCP)']);
  });
});

describe("locations given by Terraform expressions", () => {
  const bucket = (stack: BackendStack, id: string, location: string) => new StorageBucket(stack, id, { name: `acme-${id}`, location });

  test("a local is judged by its value", () => {
    const found = violations("gcp-prod", (stack) => {
      bucket(stack, "us", new TerraformLocal(stack, "us_place", "US").asString);
      bucket(stack, "eu", new TerraformLocal(stack, "eu_place", "EU").asString);
    });
    expect(lines(found)).toEqual(['gcp-prod/us: location = "${local.us_place}" — "US" (US multi-region, US) is outside what policy "eu" allows: data stays in the EU/EEA']);
  });

  test("a variable is judged by its default; one with no default is refused", () => {
    const found = violations("gcp-prod", (stack) => {
      bucket(stack, "defaulted", new TerraformVariable(stack, "where", { type: "string", default: "US" }).stringValue);
      bucket(stack, "given", new TerraformVariable(stack, "anywhere", { type: "string" }).stringValue);
      bucket(stack, "eu", new TerraformVariable(stack, "eu_place", { type: "string", default: "EU" }).stringValue);
    });
    expect(lines(found)).toEqual([
      'gcp-prod/defaulted: location = "${var.where}" — "US" (US multi-region, US) is outside what policy "eu" allows: data stays in the EU/EEA',
      'gcp-prod/given: location = "${var.anywhere}" — var.anywhere has no default: its value is given only at plan time',
    ]);
  });

  test("a function call is refused, naming what is accepted instead", () => {
    const found = violations("gcp-prod", (stack) => bucket(stack, "upper", Fn.upper("us")));
    expect(lines(found)).toEqual(['gcp-prod/upper: location = "${upper("us")}" — `upper("us")` has a value only at plan time, so the residency policy cannot judge it at synth: use a literal location, or a reference to a local, a variable\'s default or another resource\'s location attribute']);
  });

  test("a reference to another resource counts only if it is that resource's location attribute, and set there", () => {
    const found = violations("gcp-prod", (stack) => {
      const a = bucket(stack, "a", "EU");
      bucket(stack, "by-location", a.location); // EU, judged at a too
      bucket(stack, "by-name", a.name);
      new FirestoreDatabase(stack, "db", { name: "db", type: "FIRESTORE_NATIVE", locationId: "eur3" }).addOverride("location_id", null);
      bucket(stack, "by-unset", "${google_firestore_database.db.location_id}");
      bucket(stack, "by-nothing", "${google_storage_bucket.missing.location}");
    });
    expect(found.map((v) => `${v.path}: ${v.reason}`)).toEqual([
      "gcp-prod/by-name: google_storage_bucket.a.name is not a location attribute of google_storage_bucket, so it says nothing the residency policy can judge",
      "gcp-prod/by-unset: google_firestore_database.db.location_id is not set in the configuration: the provider chooses it at apply",
      "gcp-prod/by-nothing: google_storage_bucket.missing.location refers to nothing in this stack",
    ]);
  });

  test("a reference is followed through its chain, and a template is judged as the value it builds", () => {
    const found = violations("gcp-prod", (stack) => {
      const place = new TerraformLocal(stack, "place", "US");
      const a = bucket(stack, "a", place.asString);
      bucket(stack, "b", a.location);
      bucket(stack, "zone", `${new TerraformLocal(stack, "region", "us-east1").asString}-b`);
    });
    expect(found.map((v) => `${v.path}: ${v.value}`)).toEqual([
      "gcp-prod/a: ${local.place}", "gcp-prod/b: ${google_storage_bucket.a.location}", "gcp-prod/zone: ${local.region}-b",
    ]);
    expect(found.every((v) => /"us-east1-b" \(Moncks Corner|"US" \(US multi-region/.test(v.reason))).toBe(true);
  });

  test("references that go round in a circle are refused, not followed forever", () => {
    const found = violations("gcp-prod", (stack) => {
      new TerraformLocal(stack, "a", "${local.b}");
      bucket(stack, "circle", new TerraformLocal(stack, "b", "${local.a}").asString);
    });
    expect(found.map((v) => `${v.path}: ${v.reason}`)).toEqual(['gcp-prod/circle: "${local.a}" goes through too many references to follow (a cycle?)']);
  });
});

describe("google location attributes", () => {
  test("location_id (Firestore) is judged", () => {
    const found = violations("gcp-prod", (stack) => {
      new FirestoreDatabase(stack, "us", { name: "us", type: "FIRESTORE_NATIVE", locationId: "nam5" });
      new FirestoreDatabase(stack, "eu", { name: "eu", type: "FIRESTORE_NATIVE", locationId: "eur3" });
    });
    expect(lines(found)).toEqual(['gcp-prod/us: location_id = "nam5" — "nam5" (Firestore US central multi-region, US) is outside what policy "eu" allows: data stays in the EU/EEA']);
  });

  test("a secret Google replicates wherever it chooses, and a dataset left in the default US, are refused", () => {
    const found = violations("gcp-prod", (stack) => {
      new SecretManagerSecret(stack, "auto", { secretId: "auto", replication: { auto: {} } });
      new BigqueryDataset(stack, "default", { datasetId: "analytics" });
      new BigqueryDataset(stack, "eu", { datasetId: "analytics_eu", location: "EU" });
    });
    expect(found.map((v) => `${v.path}: ${v.attribute} = ${v.value}`)).toEqual(["gcp-prod/auto: replication.auto = global", "gcp-prod/default: location = US"]);
    expect(found[0].reason).toContain('"global" is not a known gcp location');
  });
});
