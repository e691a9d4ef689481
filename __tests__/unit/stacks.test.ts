import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Lazy, Testing, Token } from "cdktf";
import { StorageBucket } from "@cdktf/provider-google/lib/storage-bucket";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { Server } from "../../.gen/providers/hcloud/server";
import { Network } from "../../.gen/providers/hcloud/network";
import { BackendStack, enforceResidency, environmentStacks } from "../../constructs/backend-stack";
import { HetznerMachinesStack } from "../../constructs/hetzner/machines-stack";
import { Environment, HetznerEnvironment, validateEnvironment } from "../../lib/environment";
import { PINNED_PROVIDERS } from "../../lib/providers";
import { shippedEnvironment as env, shippedEnvironments } from "../support/shipped-environments";

const ROOT = join(__dirname, "..", "..");
const environments = shippedEnvironments();

function synth(environment: Environment): { stack: BackendStack; json: any } {
  const stack = new BackendStack(Testing.app(), environment);
  const out = Testing.synth(stack);
  return { stack, json: JSON.parse(out) };
}

/** Every stack of every shipped environment (Hetzner's are two: its machines' and its containers'). */
const allStacks = environments.flatMap((e) => environmentStacks(Testing.app(), e).map((stack) => [stack.node.id, stack] as const));

describe.each(allStacks)("stack %s", (_name, stack) => {
  const json = JSON.parse(Testing.synth(stack));

  // `terraform validate` against the real providers is the integration tier's (validate.test.ts).
  test("passes the residency policy", () => {
    enforceResidency([stack]);
    expect(stack.residency.violations).toEqual([]);
  });

  test("pins every provider to exactly the build in the offline mirror", () => {
    const required = json.terraform.required_providers as Record<string, { source: string; version: string }>;
    for (const [name, pin] of Object.entries(required)) {
      const pinned = PINNED_PROVIDERS[name as keyof typeof PINNED_PROVIDERS];
      expect(pin).toEqual({ source: pinned.source, version: pinned.version });
    }
  });

  test("holds no secret literals: every secret is a reference to a value generated at apply time", () => {
    const text = JSON.stringify(json);
    // Generated at apply (random_password) or supplied at plan time: a sensitive variable (TF_VAR_...) or
    // a deployer's variable the file names (providers/portable).
    const secrets = [...text.matchAll(/([A-Z_]*(?:PASSWORD|SECRET|ACCESS_KEY|TOKEN)[A-Z_]*)=([^"\\\s]*)/g)];
    for (const [, name, value] of secrets) {
      expect({ name, value }).toEqual({ name, value: expect.stringMatching(/^\$\{((ephemeral\.)?random_password\.[A-Za-z0-9_-]+\.result|var\.[A-Za-z0-9_-]+|data\.portable_deployer_secret\.[A-Za-z0-9_-]+\.value)\}$/) });
    }
    // Connection URLs embed it by reference too (on Google Cloud, an ephemeral one: never stored; its write-only
    // version is derived from the URL with the value's name in its place).
    expect(text).not.toMatch(/postgres:\/\/[^:]+:(?!\$\{(random_password|ephemeral\.random_password)|ephemeral\.random_password\.)/);
    expect(text).not.toMatch(/"(token|password|access_key|secret_key)":"(?!\$\{)/);
  });
});

test("a provider added after the stack was built (createBackendApp's extend) is pinned to the mirror's build, not its binding's", () => {
  const stack = new BackendStack(Testing.app(), env("hetzner-staging"));
  new DockerProvider(stack, "docker", { host: "unix:///var/run/docker.sock" });
  const required = JSON.parse(Testing.synth(stack)).terraform.required_providers;
  // The binding was generated for 3.6.2; the mirror builds PINNED_PROVIDERS.docker.
  expect(required.docker).toEqual({ source: PINNED_PROVIDERS.docker.source, version: PINNED_PROVIDERS.docker.version });
  expect(PINNED_PROVIDERS.docker.version).not.toBe("3.6.2");
});

describe("providers and state per target", () => {
  test("local deploys to this machine's engine and keeps state in a local file", () => {
    const stack = new BackendStack(Testing.app(), env("local"));
    const synthesized = Testing.synth(stack);
    expect(synthesized).toHaveProviderWithProperties(DockerProvider, { host: "unix:///var/run/docker.sock" });
    expect(synthesized).toHaveProvider(RandomProvider);
    const json = JSON.parse(synthesized);
    expect(json.terraform.backend).toEqual({ local: { path: join(process.cwd(), "terraform.local.tfstate") } });
  });

  test("vps drives a remote engine over ssh, non-interactively", () => {
    const { json } = synth(env("vps"));
    expect(json.provider.docker[0]).toEqual({ host: "ssh://deploy@203.0.113.10", ssh_opts: ["-o", "BatchMode=yes", "-o", "ServerAliveInterval=30"] });
  });

  test("a Docker host's service URL: HTTPS on its domain, with the port when it is not 443; else HTTP on the bind address", () => {
    const vps = env("vps") as Extract<Environment, { provider: "docker" }>;
    const url = (host: Partial<typeof vps.host>) => {
      const { json } = synth({ ...vps, host: { ...vps.host, ...host } });
      return Object.entries<any>(json.output).find(([k]) => k.includes("service_url"))![1].value;
    };
    expect(url({})).toBe("https://api.example.de");
    expect(url({ httpsPort: 8443 })).toBe("https://api.example.de:8443");
    expect(url({ domain: undefined, bindAddress: "10.0.0.5", httpPort: 8080 })).toBe("http://10.0.0.5:8080");
  });

  test("Docker data volumes: resources without protect; with it, Terraform is told to forget (not delete) any it managed", () => {
    const local = env("local");
    // The health probe's volume holds no data: always a resource.
    const addresses = (json: any) => Object.keys(json.resource.docker_volume ?? {}).filter((id) => !id.includes("probe")).map((id) => `docker_volume.${id}`).sort();
    const unprotected = synth({ ...local, protect: false }).json;
    const protectedJson = synth({ ...local, protect: true }).json;
    expect(addresses(unprotected)).toHaveLength(3);
    expect(addresses(protectedJson)).toEqual([]);
    expect(protectedJson.removed.map((r: any) => r.from).sort()).toEqual(addresses(unprotected));
    for (const block of protectedJson.removed) expect(block.lifecycle).toEqual({ destroy: false });
    expect(unprotected.removed).toBeUndefined();
  });

  test("Hetzner's two stacks keep their states side by side on EU object storage with lockfile locking; the containers' reads the machines'", () => {
    const [machines, apps] = environmentStacks(Testing.app(), env("hetzner-prod")).map((stack) => JSON.parse(Testing.synth(stack)));
    const state = { bucket: "acme-prod-tfstate", region: "fsn1", endpoints: { s3: "https://fsn1.your-objectstorage.com" }, use_path_style: true };
    expect(machines.terraform.backend.s3).toMatchObject({ ...state, key: "hetzner-prod/terraform.tfstate", use_lockfile: true });
    expect(apps.terraform.backend.s3).toMatchObject({ ...state, key: "hetzner-prod/terraform-apps.tfstate", use_lockfile: true });
    expect(Object.values<any>(apps.data.terraform_remote_state)).toEqual([
      { backend: "s3", config: expect.objectContaining({ ...state, key: "hetzner-prod/terraform.tfstate" }) },
    ]);
    expect(machines.provider.hcloud).toEqual([{}]); // the token comes from HCLOUD_TOKEN at plan time
    expect(apps.provider.hcloud).toBeUndefined();
  });

  test("GCP uses the environment's project and EU region, and GCS state", () => {
    const { json } = synth(env("gcp-prod"));
    expect(json.provider.google[0]).toMatchObject({ project: "acme-prod-4711", region: "europe-west3" });
    expect(json.terraform.backend).toEqual({ gcs: { bucket: "acme-prod-tfstate", prefix: "gcp-prod" } });
  });
});

describe("residency aspect over raw resources added in code", () => {
  test("a GCS bucket in the US is caught, naming path, attribute, value and policy", () => {
    const stack = new BackendStack(Testing.app(), env("gcp-prod"));
    new StorageBucket(stack, "exports", { name: "acme-exports", location: "US" });
    expect(() => enforceResidency([stack])).toThrow(
      /gcp-prod\/exports: location = "US" — "US" \(US multi-region, US\) is outside what policy "eu" allows/,
    );
  });

  test("a Hetzner server in Ashburn is caught, also inside a nested block", () => {
    const stack = new HetznerMachinesStack(Testing.app(), env("hetzner-staging") as HetznerEnvironment);
    const worker = new Server(stack, "worker", { name: "worker", serverType: "cpx11", image: "debian-12", location: "ash" });
    worker.addOverride("placement", { datacenter: "hil-dc1" });
    new Network(stack, "net", { name: "net", ipRange: "10.0.0.0/16" }); // no location: nothing to judge
    expect(() => enforceResidency([stack])).toThrow();
    expect(stack.residency.violations).toEqual([
      { path: "hetzner-staging/worker", attribute: "location", value: "ash", reason: expect.stringContaining('outside what policy "eu" allows') },
      { path: "hetzner-staging/worker", attribute: "placement.datacenter", value: "hil-dc1", reason: expect.stringContaining("Hillsboro") },
    ]);
  });

  test("synth fails through cdktf's own aspect run too, with an error annotation", () => {
    const app = Testing.app();
    const stack = new BackendStack(app, env("gcp-prod"));
    new StorageBucket(stack, "exports", { name: "acme-exports", location: "asia-east1" });
    expect(() => app.synth()).toThrow(/residency policy "eu": gcp-prod\/exports location = "asia-east1"/);
  });

  test("a location given by a token is judged by what it resolves to, also a whole nested block or map key", () => {
    const stack = new HetznerMachinesStack(Testing.app(), env("hetzner-staging") as HetznerEnvironment);
    const worker = new Server(stack, "worker", { name: "worker", serverType: "cpx11", image: "debian-12", location: Lazy.stringValue({ produce: () => "ash" }) });
    worker.addOverride("placement", Lazy.anyValue({ produce: () => ({ datacenter: "hil-dc1" }) }));
    worker.addOverride("labels", { [Token.asString(Lazy.stringValue({ produce: () => "zone" }))]: "sin" });
    expect(() => enforceResidency([stack])).toThrow();
    expect(stack.residency.violations.map((v) => `${v.attribute} = ${v.value}`).sort()).toEqual(["labels.zone = sin", "location = ash", "placement.datacenter = hil-dc1"]);
  });

  test("a reference is judged where it points, not where it is used", () => {
    const stack = new BackendStack(Testing.app(), env("gcp-prod"));
    const a = new StorageBucket(stack, "a", { name: "acme-a", location: "EU" });
    new StorageBucket(stack, "b", { name: "acme-b", location: a.location });
    expect(() => enforceResidency([stack])).not.toThrow();
  });

  test("a data source is judged too", () => {
    const { DataGoogleComputeZones } = require("@cdktf/provider-google/lib/data-google-compute-zones");
    const stack = new BackendStack(Testing.app(), env("gcp-prod"));
    new DataGoogleComputeZones(stack, "zones", { region: "us-east1" });
    expect(() => enforceResidency([stack])).toThrow(/gcp-prod\/zones: region = "us-east1"/);
  });

  test("a GCS state bucket outside the EU is caught by its declared location", () => {
    const stack = new BackendStack(Testing.app(), { ...env("gcp-prod"), state: { backend: "gcs", bucket: "s", location: "us-central1" } } as Environment);
    expect(() => enforceResidency([stack])).toThrow(/gcp-prod\/backend: \(declared location\) = "us-central1"/);
  });
});

test("cdktf.json asks cdktf get for exactly the versions the mirror builds", () => {
  const cdktfJson = JSON.parse(readFileSync(join(ROOT, "cdktf.json"), "utf8"));
  const generated = [PINNED_PROVIDERS.hcloud, PINNED_PROVIDERS.portable, PINNED_PROVIDERS.s3];
  expect(cdktfJson.terraformProviders).toEqual(generated.map((p) => `registry.terraform.io/${p.source}@= ${p.version}`));
});

test.each([
  ["hetzner-staging", "hetzner-prod", ["backups", "bucket", "database", "dns", "file", "location", "name", "network", "protect", "residency", "service", "state"]],
  ["gcp-staging", "gcp-prod", ["backups", "database", "dns", "file", "name", "project", "protect", "service", "state"]],
])("%s and %s differ only through their environment files", (stagingName, prodName, fields) => {
  const staging = env(stagingName) as Record<string, unknown>;
  const prod = env(prodName) as Record<string, unknown>;
  const differing = Object.keys(prod).filter((k) => JSON.stringify(prod[k]) !== JSON.stringify(staging[k])).sort();
  expect(differing).toEqual(fields);
  // Prod's environment with staging's values in those fields synthesizes exactly staging's stack:
  // no code path looks at anything but the environment's data.
  const rebuilt = { ...prod, ...Object.fromEntries(differing.map((k) => [k, staging[k]])) } as Environment;
  expect(synth(rebuilt).json).toEqual(synth(env(stagingName)).json);
});

test("moving a backend from hetzner to gcp is an edit of provider and location (plus the project gcp needs; the images hetzner's servers run and the key their backups are encrypted with)", () => {
  const file = "environments/moving.ts";
  const common = {
    residency: "eu", service: { image: "ghcr.io/acme/api:1.4.2", replicas: 2 }, database: { postgres: 15 },
    bucket: { name: "acme-moving-data" }, dns: undefined, backups: { retentionDays: 14 }, protect: true, state: { backend: "local" },
  };
  const images = { postgres: "ghcr.io/acme/postgres:15", proxy: "ghcr.io/acme/proxy:2.8", backup: "ghcr.io/acme/backup:1" };
  const backups = { ...common.backups, encryptionKey: { env: "BACKUP_ENCRYPTION_KEY" } };
  const hetzner = validateEnvironment({ ...common, provider: "hetzner", location: "fsn1", images, backups }, file);
  const onHetzner = synth(hetzner).json;
  const hetznerMachines = JSON.parse(Testing.synth(environmentStacks(Testing.app(), hetzner)[0]));
  const onGcp = synth(validateEnvironment({ ...common, provider: "gcp", location: "europe-west3", project: "acme-moving-4711" }, file)).json;
  const outputs = (json: any) => Object.keys(json.output).map((k) => k.replace(/^app_(.*)_[0-9A-F]{8}$/, "$1")).sort();
  expect(outputs(onHetzner)).toEqual(["backup_location", "bucket_endpoint", "bucket_name", "cache_host", "database_host", "service_url"]);
  expect(outputs(onGcp)).toEqual(outputs(onHetzner));
  expect(Object.keys(hetznerMachines.resource)).toEqual(expect.arrayContaining(["hcloud_server", "hcloud_volume", "s3_bucket"]));
  expect(Object.keys(onHetzner.resource)).toEqual(expect.arrayContaining(["docker_container"]));
  expect(Object.keys(onGcp.resource)).toEqual(expect.arrayContaining(["google_cloud_run_v2_service", "google_sql_database_instance", "google_storage_bucket"]));
});
