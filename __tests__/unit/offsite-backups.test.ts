import { Testing } from "cdktf";
import { BackendStack, environmentStacks } from "../../constructs/backend-stack";
import { localImages } from "../../images/catalog";
import { deployerVariables, EnvironmentError, environmentWarnings, validateEnvironment } from "../../lib/environment";
import { VALID_HETZNER } from "../support/valid-environment";

// Backups that survive the host (README "Backups"): what an environment file may say about off-site copies
// and their encryption, and what the backup sidecar is given for it on Docker and on Hetzner.

const FILE = "environments/acme.ts";
const KEY = { env: "ACME_BACKUP_KEY" };
const OFFSITE = {
  endpoint: "https://hel1.your-objectstorage.com", bucket: "acme-offsite", location: "hel1",
  accessKeyId: { env: "ACME_OFFSITE_KEY_ID" }, secretAccessKey: { env: "ACME_OFFSITE_SECRET" },
};
const DOCKER = {
  provider: "docker", residency: "eu", location: "de", host: { url: "unix:///var/run/docker.sock" },
  service: { image: localImages.app }, database: {},
  images: { postgres: localImages.postgres, objectStore: localImages.objectstore, proxy: localImages.proxy, backup: localImages.backup },
  state: { backend: "local" },
};

function problems(raw: Record<string, unknown>): string[] {
  try {
    validateEnvironment(raw, FILE);
  } catch (err) {
    expect(err).toBeInstanceOf(EnvironmentError);
    return (err as Error).message.split("\n").slice(1).map((line) => line.trim());
  }
  throw new Error("expected validation to fail");
}

const containers = (json: any) => Object.values<any>(json.resource.docker_container ?? {});
const sidecar = (json: any) => containers(json).find((c) => c.labels.some((l: any) => l.value === "backup"));
const variables = (container: any) => Object.fromEntries((container.env as string[]).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
/** The deployer variable a `portable_deployer_secret` data source reference reads. */
const deployerVariable = (json: any, reference: string) => {
  const name = /^\$\{data\.portable_deployer_secret\.([^.]+)\.value\}$/.exec(reference)?.[1];
  return name && json.data.portable_deployer_secret[name].variable;
};

describe("what a file may say", () => {
  test("off-site copies need an encryption key, and an https endpoint", () => {
    expect(problems({ ...DOCKER, backups: { retentionDays: 7, offsite: OFFSITE } })).toEqual([
      expect.stringMatching(/^- backups\.encryptionKey: \(missing\) — required with backups\.offsite: the dumps and objects leave the host; .*without it the backups cannot be read$/),
    ]);
    expect(problems({ ...DOCKER, backups: { retentionDays: 7, encryptionKey: KEY, offsite: { ...OFFSITE, endpoint: "http://s3.example.com" } } })).toEqual([
      expect.stringMatching(/^- backups\.offsite\.endpoint: "http:\/\/s3\.example\.com" — expected an https:\/\/ URL of an S3 endpoint/),
    ]);
    expect(validateEnvironment({ ...DOCKER, backups: { retentionDays: 7, encryptionKey: KEY, offsite: OFFSITE } }, FILE).backups?.offsite).toMatchObject({ location: "hel1" });
  });

  test("the residency policy judges the off-site location: a Hetzner location, a GCP region or a country", () => {
    const at = (location: string) => problems({ ...DOCKER, backups: { retentionDays: 7, encryptionKey: KEY, offsite: { ...OFFSITE, location } } });
    expect(at("ash")).toEqual([expect.stringMatching(/^- backups\.offsite\.location: "ash" — "ash" \(Ashburn, VA, US\) is outside what policy "eu" allows/)]);
    expect(at("us-central1")).toEqual([expect.stringMatching(/^- backups\.offsite\.location: "us-central1" — /)]);
    expect(at("us")).toEqual([expect.stringMatching(/^- backups\.offsite\.location: "us" — /)]);
    for (const location of ["hel1", "europe-north1", "fi", "nl"]) {
      expect(validateEnvironment({ ...DOCKER, backups: { retentionDays: 7, encryptionKey: KEY, offsite: { ...OFFSITE, location } } }, FILE).backups?.offsite).toMatchObject({ location });
    }
  });

  test("on Hetzner the key is required (its backup bucket is Object Storage), and an off-site copy is elsewhere", () => {
    const { backups: _backups, ...noBackups } = VALID_HETZNER;
    expect(problems({ ...noBackups, backups: { retentionDays: 7 } })).toEqual([expect.stringMatching(/^- backups\.encryptionKey: \(missing\) — required on hetzner/)]);
    expect(problems({ ...VALID_HETZNER, backups: { ...VALID_HETZNER.backups, offsite: { ...OFFSITE, location: "fsn1" } } }))
      .toEqual([expect.stringMatching(/^- backups\.offsite\.location: "fsn1" — the environment's own location: an off-site copy must be elsewhere/)]);
    expect(validateEnvironment({ ...VALID_HETZNER, backups: { ...VALID_HETZNER.backups, offsite: false } }, FILE).backups?.offsite).toBe(false);
  });

  test("the deployer's variables include the backups' (npm run app-secrets puts them into CI jobs)", () => {
    const env = validateEnvironment({ ...DOCKER, service: { image: localImages.app, secrets: { SECRET_KEY: { env: "ACME_SECRET" } } }, backups: { retentionDays: 7, encryptionKey: KEY, offsite: OFFSITE } }, FILE);
    expect(deployerVariables(env)).toEqual(["ACME_BACKUP_KEY", "ACME_OFFSITE_KEY_ID", "ACME_OFFSITE_SECRET", "ACME_SECRET"]);
  });
});

describe("Docker: the sidecar gets the key, the off-site store and the data bucket", () => {
  const env = validateEnvironment({ ...DOCKER, backups: { retentionDays: 9, encryptionKey: KEY, offsite: OFFSITE } }, FILE);
  const json = JSON.parse(Testing.synth(new BackendStack(Testing.app(), env)));
  const backup = sidecar(json);
  const vars = variables(backup);

  test("the secrets are read from the deployer's variables at plan time, never written into the configuration", () => {
    expect(deployerVariable(json, vars.BACKUP_ENCRYPTION_KEY)).toBe("ACME_BACKUP_KEY");
    expect(deployerVariable(json, vars.OFFSITE_ACCESS_KEY_ID)).toBe("ACME_OFFSITE_KEY_ID");
    expect(deployerVariable(json, vars.OFFSITE_SECRET_ACCESS_KEY)).toBe("ACME_OFFSITE_SECRET");
  });

  test("where it copies to, and what", () => {
    expect(vars).toMatchObject({
      OFFSITE_ENDPOINT: OFFSITE.endpoint, OFFSITE_BUCKET: "acme-offsite", OFFSITE_REGION: "hel1",
      DATA_BUCKET: "acme-data", S3_BUCKET: "acme-backups", BACKUP_RETENTION_DAYS: "9",
    });
    // The off-site store is out there: the sidecar joins the edge network, the internal one has no way out.
    expect(backup.networks_advanced.map((n: any) => n.name)).toEqual([expect.stringMatching(/^\$\{docker_network\..*internal.*\.name\}$/), expect.stringMatching(/^\$\{docker_network\..*edge.*\.name\}$/)]);
  });

  test("a failed backup, off-site copy or verification makes it unhealthy; a deploy does not wait for its first backup", () => {
    expect(backup.healthcheck).toMatchObject({ test: ["CMD", "backup", "health"] });
    expect(backup.wait).toBe(false);
  });

  test("without an off-site store it stays on the internal network and gets no off-site settings", () => {
    const plain = sidecar(JSON.parse(Testing.synth(new BackendStack(Testing.app(), validateEnvironment({ ...DOCKER, backups: { retentionDays: 7 } }, FILE)))));
    expect(Object.keys(variables(plain)).filter((name) => /^OFFSITE_|ENCRYPTION/.test(name))).toEqual([]);
    expect(plain.networks_advanced).toHaveLength(1);
  });
});

describe("Hetzner: off-site by default, in Object Storage in another location", () => {
  const env = validateEnvironment(VALID_HETZNER, FILE);
  const [machines, apps] = environmentStacks(Testing.app(), env).map((stack) => JSON.parse(Testing.synth(stack)));

  test("the machines' stack makes the off-site bucket in hel1 (servers in fsn1) and says where it is", () => {
    const providers = machines.provider.s3 as any[];
    const offsiteProvider = providers.find((p) => p.alias === "offsite");
    expect(offsiteProvider).toMatchObject({ endpoint: "https://hel1.your-objectstorage.com", region: "hel1" });
    const buckets = Object.values<any>(machines.resource.s3_bucket);
    expect(buckets.find((b) => b.bucket === "acme-data-offsite")).toMatchObject({ provider: "s3.offsite" });
    expect(buckets.find((b) => b.bucket === "acme-data-offsite").force_destroy).toBeFalsy();
    expect(machines.output).toMatchObject({ offsite_endpoint: { value: "https://hel1.your-objectstorage.com" }, offsite_region: { value: "hel1" } });
  });

  test("the containers' sidecar copies there with the project's Object Storage keys, encrypted with the file's key", () => {
    const vars = variables(sidecar(apps));
    expect(vars).toMatchObject({ OFFSITE_BUCKET: "acme-data-offsite", OFFSITE_ACCESS_KEY_ID: "${var.object_storage_access_key}" });
    expect(vars.OFFSITE_ENDPOINT).toMatch(/^\$\{data\.terraform_remote_state\.[^.]+\.outputs\.offsite_endpoint\}$/);
    expect(deployerVariable(apps, vars.BACKUP_ENCRYPTION_KEY)).toBe("BACKUP_ENCRYPTION_KEY");
  });

  test("servers in nbg1 copy to hel1 too; `offsite: false` makes no off-site bucket and gives the sidecar none", () => {
    const nbg = validateEnvironment({ ...VALID_HETZNER, location: "nbg1" }, FILE);
    const [nbgMachines] = environmentStacks(Testing.app(), nbg).map((stack) => JSON.parse(Testing.synth(stack)));
    expect((nbgMachines.provider.s3 as any[]).find((p) => p.alias === "offsite")).toMatchObject({ region: "hel1" });
    const none = validateEnvironment({ ...VALID_HETZNER, backups: { ...VALID_HETZNER.backups, offsite: false } }, FILE);
    const [noneMachines, noneApps] = environmentStacks(Testing.app(), none).map((stack) => JSON.parse(Testing.synth(stack)));
    expect(Object.values<any>(noneMachines.resource.s3_bucket).map((b) => b.bucket)).not.toContain("acme-data-offsite");
    expect(Object.keys(variables(sidecar(noneApps))).filter((name) => name.startsWith("OFFSITE_"))).toEqual([]);
  });
});

describe("npm run plan warns about backups that share the host's fate", () => {
  const warnings = (raw: Record<string, unknown>) => environmentWarnings(validateEnvironment(raw, FILE));

  test("a Docker host over ssh without an off-site store", () => {
    expect(warnings({ ...DOCKER, host: { url: "ssh://deploy@203.0.113.10" }, backups: { retentionDays: 7 } }))
      .toEqual([expect.stringMatching(/^environments\/acme\.ts: backups\.offsite is not set: the dumps stay on the Docker host \(ssh:\/\/deploy@203\.0\.113\.10\), and a lost disk or deleted server takes the database and every backup with it/)]);
    expect(warnings({ ...DOCKER, host: { url: "ssh://deploy@203.0.113.10" }, backups: { retentionDays: 7, encryptionKey: KEY, offsite: OFFSITE } })).toEqual([]);
  });

  test("not the local engine (a developer's machine), nor an environment without a database", () => {
    expect(warnings({ ...DOCKER, backups: { retentionDays: 7 } })).toEqual([]);
    expect(warnings({ ...DOCKER, host: { url: "ssh://deploy@203.0.113.10" }, database: false })).toEqual([]);
  });

  test("Hetzner with `offsite: false`, not with its default", () => {
    expect(warnings({ ...VALID_HETZNER, backups: { ...VALID_HETZNER.backups, offsite: false } }))
      .toEqual([expect.stringMatching(/backups\.offsite is false: the dumps are only in Object Storage in fsn1, where the servers are/)]);
    expect(warnings(VALID_HETZNER)).toEqual([]);
  });
});
