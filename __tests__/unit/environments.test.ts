import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { localImages } from "../../images/catalog";
import { DEFAULT_POSTGRES_MAJOR, EnvironmentError, environmentWarnings, loadEnvironments, stateAddress, validateEnvironment } from "../../lib/environment";
import local from "../../environments/local";
import { VALID_HETZNER } from "../support/valid-environment";

const SHIPPED = join(__dirname, "..", "..", "environments");

const valid = VALID_HETZNER;

/** The problems validation reports for `raw`, as "field: message" lines. */
function problems(raw: unknown, file = "environments/test-env.ts"): string {
  try {
    validateEnvironment(raw, file);
  } catch (err) {
    expect(err).toBeInstanceOf(EnvironmentError);
    return (err as Error).message;
  }
  throw new Error("expected validation to fail");
}

describe("shipped environments", () => {
  test("every file loads, named after its file", () => {
    const names = loadEnvironments(SHIPPED).map((e) => e.name);
    expect(names).toEqual(["gcp-prod", "gcp-staging", "hetzner-prod", "hetzner-staging", "local", "vps"]);
  });

  test("defaults are filled in and secure", () => {
    const local = loadEnvironments(SHIPPED).find((e) => e.name === "local")!;
    expect(local).toMatchObject({ provider: "docker", location: "de", protect: true, host: { bindAddress: "127.0.0.1" } });
    expect(local.service).toMatchObject({ replicas: 2, healthPath: "/healthz", port: 8080, secrets: {} });
  });
});

describe("malformed environment files", () => {
  test("a valid file passes", () => {
    expect(validateEnvironment(valid, "environments/test-env.ts")).toMatchObject({ name: "test-env", network: { adminCidrs: [] } });
  });

  test("unknown provider names the allowed providers", () => {
    expect(problems({ ...valid, provider: "aws" })).toContain('provider: "aws" — allowed: docker, hetzner, gcp');
  });

  test("missing field", () => {
    const { database: _omitted, ...raw } = valid;
    expect(problems(raw)).toContain("database: (missing) — required; expected false or an object");
  });

  test("wrong type", () => {
    expect(problems({ ...valid, service: { ...valid.service, replicas: "two" } })).toContain('service.replicas: "two" — expected number, got string');
  });

  test("unknown key lists the fields allowed there", () => {
    const message = problems({ ...valid, backups: { retentionDays: 7, retention: 9 } });
    expect(message).toContain("backups.retention: 9 — unknown field; allowed here: retentionDays, schedule");
  });

  test("typo'd location lists the allowed ones", () => {
    expect(problems({ ...valid, location: "fsn" })).toContain('location: "fsn" — "fsn" is not a known hetzner location (allowed by policy "eu": fsn1, nbg1, hel1)');
  });

  test("a non-EU location names the policy", () => {
    expect(problems({ ...valid, location: "ash" })).toContain('location: "ash" — "ash" (Ashburn, VA, US) is outside what policy "eu" allows');
  });

  test("eu-sovereign refuses GCP, and GCP DNS for a Hetzner backend", () => {
    const message = problems({ ...valid, residency: "eu-sovereign", dns: { provider: "gcp", zone: "acme.de", record: "api" } });
    expect(message).toContain('dns.provider: "gcp" — provider "gcp" is headquartered in US; policy "eu-sovereign"');
  });

  test("state in a non-EU bucket is refused, under the backend's name and its old one", () => {
    for (const backend of ["hetzner-object-storage", "s3"]) {
      const message = problems({ ...valid, state: { backend, bucket: "acme-state", location: "hil" } });
      expect(message).toContain('state.location: "hil" — "hil" (Hillsboro, OR, US) is outside what policy "eu" allows');
    }
  });

  test("state.backend \"s3\", the old name of hetzner-object-storage, still works, with a warning to rename it", () => {
    const state = { bucket: "acme-state", location: "fsn1" };
    const renamed = validateEnvironment({ ...valid, state: { backend: "hetzner-object-storage", ...state } }, "environments/new.ts");
    const old = validateEnvironment({ ...valid, state: { backend: "s3", ...state } }, "environments/old.ts");
    expect(stateAddress(old)).toBe(stateAddress(renamed).replace("new/", "old/"));
    expect(environmentWarnings(old)).toContainEqual(expect.stringMatching(/^environments\/old\.ts: state\.backend "s3" is now called "hetzner-object-storage"/));
    expect(environmentWarnings(renamed).join("\n")).not.toMatch(/state\.backend/);
    expect(problems({ ...valid, state: { backend: "hetzner", ...state } })).toMatch(/state\.backend: "hetzner" — allowed: local, hetzner-object-storage, s3/);
  });

  test("all problems of a file at once, each with file, field, value and what is allowed", () => {
    const message = problems({
      ...valid, location: "fsn9", colour: "blue",
      service: { image: "ghcr.io/acme/api:latest", replicas: 0, size: "cx23" },
      database: { postgres: 14, size: "cx23" },
    }, "environments/broken.ts");
    expect(message.split("\n")).toEqual([
      "environments/broken.ts: 5 problems, no stack was synthesized:",
      '  - service.image: "ghcr.io/acme/api:latest" — a pinned tag: ":latest" makes deploys irreproducible',
      "  - service.replicas: 0 — expected at least 1",
      "  - database.postgres: 14 — allowed: 15, 16, 17",
      '  - colour: "blue" — unknown field; allowed here: provider, residency, location, service, workers, cache, database, bucket, dns, backups, protect, cost, serverImage, network, sshKeys, images, state',
      '  - location: "fsn9" — "fsn9" is not a known hetzner location (allowed by policy "eu": fsn1, nbg1, hel1)',
    ]);
  });

  test("loading a folder reports every bad file, and returns nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "envs-"));
    writeFileSync(join(dir, "good.ts"), `export default ${JSON.stringify(valid)};`);
    writeFileSync(join(dir, "bad-one.ts"), `export default ${JSON.stringify({ ...valid, provider: "azure" })};`);
    writeFileSync(join(dir, "bad-two.ts"), `export default ${JSON.stringify({ ...valid, location: "sin" })};`);
    let error: unknown;
    try { loadEnvironments(dir, dir); } catch (err) { error = err; }
    expect(error).toBeInstanceOf(EnvironmentError);
    expect([...(error as EnvironmentError).problemsByFile.keys()]).toEqual(["bad-one.ts", "bad-two.ts"]);
    expect((error as Error).message).toMatch(/bad-one\.ts: 1 problem[\s\S]*provider: "azure"[\s\S]*bad-two\.ts: 1 problem[\s\S]*location: "sin"/);
  });
});

describe("network addresses", () => {
  const withNetwork = (network: object) => ({ ...valid, network });

  test("admin CIDRs must be real addresses and prefixes, no wider than one organisation's range; all listed at once", () => {
    const message = problems(withNetwork({ adminCidrs: ["0.0.0.0/0", "::/0", "0.0.0.0/1", "999.1.1.1/99", "198.51.100.7/24", "10.0.0.0/8", "2001:db8::/32", "203.0.113.7", "198.51.100.0/33"] }));
    expect(message.split("\n")).toEqual([
      "environments/test-env.ts: 9 problems, no stack was synthesized:",
      '  - network.adminCidrs[0]: "0.0.0.0/0" — a /0 opens ssh to far more than one organisation\'s addresses: use a /16 or longer, the admins\' own addresses or VPN range (e.g. 203.0.113.7/32)',
      '  - network.adminCidrs[1]: "::/0" — a /0 opens ssh to far more than one organisation\'s addresses: use a /48 or longer, the admins\' own addresses or VPN range (e.g. 2001:db8:1234::/48)',
      '  - network.adminCidrs[2]: "0.0.0.0/1" — a /1 opens ssh to far more than one organisation\'s addresses: use a /16 or longer, the admins\' own addresses or VPN range (e.g. 203.0.113.7/32)',
      '  - network.adminCidrs[3]: "999.1.1.1/99" — an IPv4 or IPv6 CIDR such as 203.0.113.7/32 or 2001:db8::/48: "999.1.1.1" is not an IP address',
      '  - network.adminCidrs[4]: "198.51.100.7/24" — an IPv4 or IPv6 CIDR such as 203.0.113.7/32 or 2001:db8::/48: the address has bits set past the /24; did you mean 198.51.100.0/24?',
      '  - network.adminCidrs[5]: "10.0.0.0/8" — a /8 opens ssh to far more than one organisation\'s addresses: use a /16 or longer, the admins\' own addresses or VPN range (e.g. 203.0.113.7/32)',
      '  - network.adminCidrs[6]: "2001:db8::/32" — a /32 opens ssh to far more than one organisation\'s addresses: use a /48 or longer, the admins\' own addresses or VPN range (e.g. 2001:db8:1234::/48)',
      '  - network.adminCidrs[7]: "203.0.113.7" — an IPv4 or IPv6 CIDR such as 203.0.113.7/32 or 2001:db8::/48: the /prefix is missing',
      '  - network.adminCidrs[8]: "198.51.100.0/33" — an IPv4 or IPv6 CIDR such as 203.0.113.7/32 or 2001:db8::/48: the prefix of an IPv4 CIDR is /0 to /32',
    ]);
  });

  test("admin CIDRs of one organisation pass, IPv4 and IPv6", () => {
    const adminCidrs = ["198.51.100.0/24", "203.0.113.7/32", "172.20.0.0/16", "2001:db8:1234::/48", "2001:db8::1/128", "::ffff:198.51.100.7/128"];
    expect(validateEnvironment(withNetwork({ adminCidrs }), "environments/test-env.ts")).toMatchObject({ network: { adminCidrs } });
  });

  test("the Hetzner network is a private IPv4 range of /24 or larger", () => {
    const allowed = "a private IPv4 range (RFC 1918: inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16) of /24 or larger, e.g. 10.0.0.0/16";
    expect(problems(withNetwork({ cidr: "8.8.0.0/16" }))).toContain(`network.cidr: "8.8.0.0/16" — ${allowed}`);
    expect(problems(withNetwork({ cidr: "10.0.0.0/7" }))).toContain(`network.cidr: "10.0.0.0/7" — ${allowed}`);
    expect(problems(withNetwork({ cidr: "192.168.0.0/25" }))).toContain(`network.cidr: "192.168.0.0/25" — ${allowed}`);
    expect(problems(withNetwork({ cidr: "fd00::/48" }))).toContain(`network.cidr: "fd00::/48" — ${allowed}`);
    expect(problems(withNetwork({ cidr: "10.0.0.1/16" }))).toContain('network.cidr: "10.0.0.1/16" — an IPv4 or IPv6 CIDR such as 203.0.113.7/32 or 2001:db8::/48: the address has bits set past the /16; did you mean 10.0.0.0/16?');
    expect(validateEnvironment(withNetwork({ cidr: "172.16.0.0/12" }), "environments/test-env.ts")).toMatchObject({ network: { cidr: "172.16.0.0/12" } });
  });

  test("a Docker host's addresses are real IPv4 addresses", () => {
    const message = problems({ ...local, host: { ...local.host, bindAddress: "999.0.0.1", publicIpv4: "1.2.3" } });
    expect(message).toContain('host.bindAddress: "999.0.0.1" — an IPv4 address such as 127.0.0.1');
    expect(message).toContain('host.publicIpv4: "1.2.3" — an IPv4 address such as 127.0.0.1');
  });
});

describe("locations name places the way the provider's API does", () => {
  test("a Hetzner environment runs in a location, not a network zone, datacenter or other spelling", () => {
    expect(problems({ ...valid, location: "eu-central" }).split("\n").slice(1)).toEqual([
      '  - location: "eu-central" — "eu-central" is a network zone, not a hetzner location; use one of: fsn1, nbg1, hel1',
    ]);
    expect(problems({ ...valid, location: "fsn1-dc14" })).toContain('location: "fsn1-dc14" — "fsn1-dc14" is a datacenter in fsn1, not a hetzner location; use one of: fsn1, nbg1, hel1');
    expect(problems({ ...valid, location: "FSN1" })).toContain('location: "FSN1" — write it "fsn1", as the provider\'s API does');
  });

  test("buckets and state are in Object Storage locations (Hetzner) or GCS bucket locations (GCP)", () => {
    expect(problems({ ...valid, bucket: { location: "nbg1-dc3" } })).toContain('bucket.location: "nbg1-dc3" — "nbg1-dc3" is a datacenter in nbg1, not a Hetzner Object Storage location; use one of: fsn1, nbg1, hel1');
    expect(problems({ ...valid, state: { backend: "s3", bucket: "acme-state", location: "eu-central" } }))
      .toContain('state.location: "eu-central" — "eu-central" is a network zone, not a Hetzner Object Storage location; use one of: fsn1, nbg1, hel1');
    const { images: _images, ...hetznerOnly } = valid;
    const gcp = { ...hetznerOnly, provider: "gcp", location: "europe-west3", project: "acme-test-4711", database: { postgres: 16 }, backups: { retentionDays: 7 } };
    expect(validateEnvironment({ ...gcp, bucket: { location: "EUR4" } }, "environments/test-env.ts")).toMatchObject({ bucket: { location: "EUR4" } });
    expect(problems({ ...gcp, location: "EU" })).toContain('location: "EU" — "EU" is a multi-region, not a gcp region; use one of: europe-central2,');
    expect(problems({ ...gcp, bucket: { location: "europe-west3-a" } })).toContain('bucket.location: "europe-west3-a" — "europe-west3-a" is a zone in europe-west3, not a GCS bucket location; use one of:');
    expect(problems({ ...gcp, bucket: { location: "eur3" } })).toContain('bucket.location: "eur3" — "eur3" is a Firestore multi-region, not a GCS bucket location;');
  });
});

test("data is kept by default: protect is on unless the file says protect: false", () => {
  expect(validateEnvironment(valid, "environments/test-env.ts").protect).toBe(true);
  expect(validateEnvironment({ ...valid, protect: false }, "environments/test-env.ts").protect).toBe(false);
});

describe("Docker environments refuse settings the Docker target would ignore", () => {
  test("database.postgres must be the major of images.postgres; the message names both and the image of each", () => {
    expect(problems({ ...local, database: { postgres: 15 } }).split("\n").slice(1)).toEqual([
      `  - database.postgres: 15 — Postgres 15, but images.postgres is ${localImages.postgres}, a Postgres 17 image: they must be the same major. ` +
        `Use images.postgres: ${localImages.postgres15} (localImages.postgres15) or another Postgres 15 image, or database.postgres: 17 to stay on 17; ` +
        `moving a deployed database to another major: README "Upgrading Postgres"`,
    ]);
    // left out: the default, 17, against a 15 image (a file written for 15 that lost its pin)
    expect(problems({ ...local, database: {}, images: { ...local.images, postgres: localImages.postgres15 } }).split("\n").slice(1)).toEqual([
      `  - database.postgres: (missing) — left out, so 17 (the default), but images.postgres is ${localImages.postgres15}, a Postgres 15 image: they must be the same major. ` +
        `Use images.postgres: ${localImages.postgres} (localImages.postgres) or another Postgres 17 image, or database.postgres: 15 to stay on 15; ` +
        `moving a deployed database to another major: README "Upgrading Postgres"`,
    ]);
    // a major the project builds no image of: the user's own image of it
    expect(problems({ ...local, database: { postgres: 16 } })).toContain("Use an image of Postgres 16 in images.postgres (the project builds 15 and 17)");
    // Hetzner too, with a registry's tags (`15.8-bookworm` is a 15)
    expect(problems({ ...valid, images: { ...valid.images, postgres: "ghcr.io/acme/postgres:15.8-bookworm" }, database: { postgres: 17 } }))
      .toContain("database.postgres: 17 — Postgres 17, but images.postgres is ghcr.io/acme/postgres:15.8-bookworm, a Postgres 15 image");
  });

  test("each major with its image is accepted: 15 kept on its volume, 16 with one's own image, 17 the default", () => {
    const major = (raw: Record<string, unknown>) => {
      const env = validateEnvironment(raw, "environments/test-env.ts");
      return env.database && env.database.postgres;
    };
    expect(major({ ...local, database: { postgres: 15 }, images: { ...local.images, postgres: localImages.postgres15 } })).toBe(15);
    expect(major({ ...local, database: { postgres: 16 }, images: { ...local.images, postgres: "registry.example/acme/postgres:16" } })).toBe(16);
    expect(major({ ...local, database: {} })).toBe(DEFAULT_POSTGRES_MAJOR);
    // a tag without a major (or a digest) is not judged by the file: the image's entrypoint checks the data's major
    expect(major({ ...local, database: { postgres: 15 }, images: { ...local.images, postgres: "registry.example/acme/db:stable" } })).toBe(15);
  });

  test("bucket name, location and versioning are refused, all at once; left out, versioning is off", () => {
    expect(problems({ ...local, bucket: { name: "acme-data", location: "de", versioning: true } }).split("\n").slice(1)).toEqual([
      '  - bucket.name: "acme-data" — not used on Docker: the Docker object store keeps its buckets on the Docker host, named <environment>-data and <environment>-backups; leave it out',
      '  - bucket.location: "de" — not used on Docker: the Docker object store keeps its buckets on the Docker host, named <environment>-data and <environment>-backups, in `location`; leave it out',
      "  - bucket.versioning: true — the Docker object store keeps no object versions; set false or leave it out",
    ]);
    const { bucket: _omitted, ...withoutBucket } = local;
    expect(validateEnvironment(withoutBucket, "environments/test-env.ts").bucket).toEqual({ versioning: false });
  });
});
