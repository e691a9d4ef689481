import { isIPv4, isIPv6 } from "node:net";
import ipaddr from "ipaddr.js";
import { z } from "zod";
import { RESIDENCY_POLICY_NAMES } from "../residency";
import { appFields, cache, secretRef, workers } from "./app";

/*
 * The shape of an environment file. Plain data: which provider, where, how big, how it is backed up,
 * where its state lives, and references to secrets (the variables that hold them, never the values).
 * Every object is strict, so a typo'd key is an error rather than a silently ignored setting.
 */

const domain = z.string().regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "a lower-case DNS domain such as example.com");
const ipv4 = z.string().refine((v) => isIPv4(v), "an IPv4 address such as 127.0.0.1");

/**
 * Who may reach ssh. The floors keep a range to one organisation's addresses: a /16 is the largest
 * IPv4 block one organisation is commonly assigned (a /8 spans thousands of networks, /0 the whole
 * internet), and a /48 is what one site is assigned in IPv6 (RIPE-690): a /32 is a whole ISP's.
 */
const ADMIN_PREFIX_FLOOR = { 4: 16, 6: 48 } as const;

const adminCidr = z.string().superRefine((value, ctx) => {
  const parsed = parseCidr(value);
  if (typeof parsed === "string") return void ctx.addIssue({ code: "custom", message: parsed });
  const floor = ADMIN_PREFIX_FLOOR[parsed.family];
  if (parsed.prefix < floor) {
    const example = parsed.family === 4 ? "203.0.113.7/32" : "2001:db8:1234::/48";
    ctx.addIssue({ code: "custom", message: `a /${parsed.prefix} opens ssh to far more than one organisation's addresses: use a /${floor} or longer, the admins' own addresses or VPN range (e.g. ${example})` });
  }
});
/** Hetzner networks must be in RFC 1918's private IPv4 ranges, and at least a /24. */
const networkCidr = z.string().superRefine((value, ctx) => {
  const parsed = parseCidr(value);
  if (typeof parsed === "string") return void ctx.addIssue({ code: "custom", message: parsed });
  // ipaddr's "private" range is RFC 1918's three blocks; both ends of the range must be in one.
  const inRfc1918 = parsed.family === 4 && [ipaddr.IPv4.networkAddressFromCIDR(value), ipaddr.IPv4.broadcastAddressFromCIDR(value)].every((a) => a.range() === "private");
  if (!inRfc1918 || parsed.prefix > 24) {
    ctx.addIssue({ code: "custom", message: "a private IPv4 range (RFC 1918: inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16) of /24 or larger, e.g. 10.0.0.0/16" });
  }
});
// registry/path:tag or @digest; a tag is required so deploys are reproducible ("latest" is refused).
const image = z.string().regex(/^[a-z0-9][a-z0-9._\-/:]*(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127}|@sha256:[a-f0-9]{64})$/, "an image reference with an explicit tag or digest, e.g. registry.example/acme/api:1.4.2")
  .refine((v) => !v.endsWith(":latest"), "a pinned tag: \":latest\" makes deploys irreproducible");
const wholeNumber = (min: number, max: number) => z.number().int().min(min).max(max);

/** The Postgres major versions an environment may ask for. */
export const POSTGRES_MAJORS = [15, 16, 17] as const;
/**
 * `database.postgres` when the file leaves it out: the newest major both Cloud SQL and the project's
 * Docker images (images/catalog.ts, `localImages.postgres`) provide. Changing it changes the major of
 * every environment that leaves it out: on Docker and Hetzner with the image (README "Upgrading Postgres").
 */
export const DEFAULT_POSTGRES_MAJOR = 17;

const residency = z.enum(RESIDENCY_POLICY_NAMES);

const service = z.strictObject({
  /** The application image, pinned. */
  image,
  replicas: wholeNumber(1, 20).default(1),
  /** Provider size: a Hetzner server type (cx23), a Cloud Run CPU count; unused on Docker. */
  size: z.string().min(1).optional(),
  healthPath: z.string().regex(/^\/[A-Za-z0-9._~\-/]*$/, "an absolute URL path such as /healthz").default("/healthz"),
  port: wholeNumber(1, 65535).default(8080),
  /** How long a new replica has to answer its health path before the release fails (and the previous one keeps serving). */
  startTimeoutSeconds: wholeNumber(10, 3600).default(120),
  ...appFields,
});

const database = z.strictObject({
  /** A Hetzner server type or a Cloud SQL tier; unused on Docker. */
  size: z.string().min(1).optional(),
  storageGb: wholeNumber(10, 10_000).default(10),
  /**
   * The Postgres major. Default DEFAULT_POSTGRES_MAJOR (17). On Docker and Hetzner it must be the
   * major of `images.postgres` (its tag's); changing it on a deployed database: README "Upgrading Postgres".
   */
  postgres: z.literal(POSTGRES_MAJORS).default(DEFAULT_POSTGRES_MAJOR),
});

const bucket = z.strictObject({
  /** Bucket name; on shared object storage (Hetzner, GCS) names are global, so choose a unique one. Default: <env>-data. */
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, "3-63 lower-case letters, digits and dashes").optional(),
  versioning: z.boolean().default(true),
  /** Defaults to the environment's location (Hetzner, GCP region). GCP also accepts EU. */
  location: z.string().optional(),
});

const dns = z.strictObject({
  /** Who serves the zone; may differ from the compute provider. */
  provider: z.enum(["hetzner", "gcp"]),
  zone: domain,
  /** Record name inside the zone, or "@" for the apex. */
  record: z.string().regex(/^(@|[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)$/, "a DNS label such as api, or @ for the zone apex"),
  /**
   * Default true: this stack creates and owns the zone. False: the zone exists (another environment
   * owns it, or it was made by hand; on gcp in this environment's project) and only the records are
   * managed here. A zone is owned by one stack: destroying that stack deletes it.
   */
  createZone: z.boolean().default(true),
  /**
   * Subdomains of this zone served by zones of their own (another environment's, e.g. gcp-staging's
   * staging.acme.eu under gcp-prod's acme.eu), keyed by their name inside this zone ("staging"): NS records
   * and, for a DNSSEC-signed child, DS records in this zone. Copy the values from the child stack's outputs
   * after its first apply (`dns_name_servers`, `dns_ds_record`). Only with provider gcp and createZone.
   */
  delegations: z.record(
    z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/, "a name inside the zone such as staging"),
    z.strictObject({
      /** The child zone's name servers, e.g. ["ns-cloud-b1.googledomains.com.", ...]. */
      nameServers: z.array(z.string().regex(/^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?$/, "a name server's host name")).min(1),
      /** The child's DS record(s), "<key tag> <algorithm> <digest type> <digest>". Default: none (the child is not validated by DNSSEC resolvers). */
      ds: z.array(z.string().regex(/^\d{1,5} \d{1,3} \d{1,3} [0-9A-Fa-f]+$/, "a DS record such as 2371 8 2 1F3A...")).optional(),
    }),
  ).optional(),
});

const backups = z.strictObject({
  retentionDays: wholeNumber(1, 3650),
  schedule: z.enum(["hourly", "daily", "weekly"]).default("daily"),
});

/**
 * An S3-compatible store off the host (Hetzner Object Storage in another location, any EU S3) that the
 * backup sidecar copies every dump and the data bucket's objects to, encrypted. Over https; plain http
 * only to a host on the sidecar's own Docker network (a one-word name: the tests' stand-in).
 */
const offsiteStore = z.strictObject({
  endpoint: z.string().regex(/^(https:\/\/[a-z0-9.-]+\.[a-z]{2,63}|http:\/\/[a-z0-9-]+)(:\d{1,5})?\/?$/, "an https:// URL of an S3 endpoint, e.g. https://hel1.your-objectstorage.com"),
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "an existing bucket's name: 3-63 lower-case letters, digits, dots and dashes"),
  /** Where the store keeps the copies, judged by the residency policy: a Hetzner location, a GCP region, or a country (de). */
  location: z.string(),
  /** The S3 region the endpoint signs for. Default: `location`. */
  region: z.string().min(1).optional(),
  accessKeyId: secretRef,
  secretAccessKey: secretRef,
});

/**
 * Backups on a Docker host (Docker and Hetzner): dumps in the environment's backup bucket and, with
 * `offsite`, copies of them and of the data bucket's objects off the host. `encryptionKey` (required with
 * `offsite`, and on Hetzner, whose backup bucket is Object Storage) encrypts them before they leave the
 * sidecar (rclone crypt): the stores never see the key, and without it the backups cannot be read.
 */
const containerBackups = backups.extend({
  offsite: offsiteStore.optional(),
  encryptionKey: secretRef.optional(),
});

/** Backups on Google Cloud: Cloud SQL's own, and with `offsite` a copy in a second EU location. */
const gcpBackups = backups.extend({
  /** Cloud SQL's backups are stored there, and the data bucket's objects are copied to a bucket there: an EU region other than the environment's, or EU. */
  offsite: z.strictObject({ location: z.string() }).optional(),
});

export const localState = z.strictObject({ backend: z.literal("local"), path: z.string().optional() });
/**
 * State in a Hetzner Object Storage bucket (Terraform's `s3` backend, with locking). `s3`, its first name,
 * is still accepted: it named the protocol, not the store (a warning says to rename it).
 */
const objectStorageState = z.strictObject({
  backend: z.literal(["hetzner-object-storage", "s3"]),
  bucket: z.string().min(3),
  /** Hetzner Object Storage location of the state bucket (fsn1, nbg1, hel1). */
  location: z.string(),
  key: z.string().optional(),
});
const gcsState = z.strictObject({
  backend: z.literal("gcs"),
  bucket: z.string().min(3),
  /** Location of the state bucket: an EU region or multi-region. */
  location: z.string(),
  prefix: z.string().optional(),
});

/**
 * What `npm run cost` assumes about usage the configuration cannot say (README "What it costs"). Each field
 * left out takes its default (lib/cost/assumptions.ts, in brackets); every estimate lists the values used.
 */
const costAssumptions = z.strictObject({
  /** GB stored in the data bucket; its off-site copy holds as much (10). */
  bucketGb: z.number().min(0).max(10_000_000).optional(),
  /** GB of backups kept: dumps in the backup bucket (Hetzner), Cloud SQL's backups (Google Cloud) (20). */
  backupGb: z.number().min(0).max(10_000_000).optional(),
  /** GB in the bucket of the data bucket's access logs, Google Cloud (1). */
  logsGb: z.number().min(0).max(10_000_000).optional(),
  /** GB served to the internet per month (100). */
  egressGb: z.number().min(0).max(100_000_000).optional(),
  /** Requests to the service per month (1,000,000). */
  requestsPerMonth: z.number().int().min(0).max(1e13).optional(),
  /** Seconds an average request keeps an instance busy: Cloud Run beyond its minimum instances (0.2). */
  requestSeconds: z.number().min(0.001).max(3600).optional(),
});

/** `false`: the environment has none of it (no server, container, variable or backup for it). */
const orNone = <T extends z.ZodType>(part: T) => z.union([z.literal(false), part]);

/**
 * The fields every target's environment has (a target's schema is these, its `provider` literal, its own
 * fields and its `state`): constructs/targets.ts, registerTarget.
 */
export const commonFields = {
  residency,
  /** Where the data lives: a Hetzner location, a GCP region, or the country of a Docker host. */
  location: z.string(),
  service,
  workers,
  cache: cache.optional(),
  database: orNone(database),
  bucket: orNone(bucket).default({ versioning: true }),
  dns: dns.optional(),
  /** Required with a database (consistency.ts). */
  backups: containerBackups.optional(),
  /**
   * Deletion protection everywhere it exists, and data kept on destroy. On unless the file says
   * `protect: false` (a scratch environment): data is kept by default.
   */
  protect: z.boolean().default(true),
  cost: costAssumptions.optional(),
};

export const dockerEnvironment = z.strictObject({
  provider: z.literal("docker"),
  ...commonFields,
  host: z.strictObject({
    /** Docker Engine endpoint: the local socket, or ssh://user@host for a remote engine (a VPS). */
    url: z.string().regex(/^(unix:\/\/\/\S+|ssh:\/\/[^\s@]+@[^\s]+|tcp:\/\/\S+)$/, "unix:///var/run/docker.sock or ssh://user@host"),
    /** Address the proxy publishes its ports on: 127.0.0.1 keeps a local stack off the network. */
    bindAddress: ipv4.default("127.0.0.1"),
    /** Public domain the proxy serves with automatic TLS; none serves plain HTTP. */
    domain: domain.optional(),
    httpPort: wholeNumber(1, 65535).default(80),
    httpsPort: wholeNumber(1, 65535).default(443),
    /** The host's public IPv4, which DNS records point at (required with dns). */
    publicIpv4: ipv4.optional(),
    /**
     * What the host costs a month in EUR (a rented VPS), for `npm run cost`: the containers cost nothing of
     * their own. Left out, the host is listed there as not priced.
     */
    monthlyEur: z.number().min(0).max(1_000_000).optional(),
  }),
  /** Images of the supporting services (the app's is service.image); `cache` is required with a cache. */
  images: z.strictObject({ postgres: image, objectStore: image, proxy: image, backup: image, cache: image.optional() }),
  // The Docker object store keeps no object versions, so versioning defaults to off here; the
  // settings it would ignore (name, location, versioning: true) are refused in consistency.ts.
  bucket: orNone(bucket.extend({ versioning: z.boolean().default(false) })).default({ versioning: false }),
  state: z.discriminatedUnion("backend", [localState, objectStorageState]),
});

export const hetznerEnvironment = z.strictObject({
  provider: z.literal("hetzner"),
  ...commonFields,
  // Postgres runs on the data server, which (like every server) has a public IPv4 for ssh; Postgres listens on its private address only.
  database: orNone(database),
  /**
   * Off-site copies default to Hetzner Object Storage in another location than the servers, made by the
   * machines' stack; `offsite: false` keeps the backups in the environment's location only.
   */
  backups: containerBackups.extend({ offsite: orNone(offsiteStore).optional() }).optional(),
  /** Debian image of the servers. */
  serverImage: z.string().default("debian-12"),
  network: z.strictObject({
    cidr: networkCidr.default("10.0.0.0/16"),
    /** Who may reach ssh (22) for administration. Empty: nobody. At most a /16 (IPv4) or /48 (IPv6): never 0.0.0.0/0. */
    adminCidrs: z.array(adminCidr).default([]),
    /**
     * Where deploys run from (a CI runner's addresses, a VPN): the containers are deployed over ssh.
     * Empty: only from the admin CIDRs. The same limits as adminCidrs.
     */
    deployCidrs: z.array(adminCidr).default([]),
  }).default({ cidr: "10.0.0.0/16", adminCidrs: [], deployCidrs: [] }),
  /** Names of SSH keys already uploaded to the Hetzner project: they log in as `deploy` (the only ssh user). */
  sshKeys: z.array(z.string().min(1)).default([]),
  /**
   * Images of the containers the servers run besides the app's (service.image): from a registry the
   * servers can pull from, or loaded onto them (README "The Hetzner target"). `cache` is required with a cache.
   */
  images: z.strictObject({ postgres: image, proxy: image, backup: image, cache: image.optional() }),
  state: z.discriminatedUnion("backend", [localState, objectStorageState]),
});

export const gcpEnvironment = z.strictObject({
  provider: z.literal("gcp"),
  ...commonFields,
  service: service.extend({
    /** Cloud Run instances kept warm (0 scales to zero) and the ceiling; replicas is the default minimum. */
    maxInstances: wholeNumber(1, 1000).default(10),
    /** Who may reach the service: everyone (through the load balancer when there is a DNS record), or internal traffic only. */
    ingress: z.enum(["all", "internal"]).default("all"),
    cpu: z.string().default("1"),
    memory: z.string().default("512Mi"),
  }),
  database: orNone(database.extend({
    /** REGIONAL keeps a standby in a second zone of the region. */
    availability: z.enum(["ZONAL", "REGIONAL"]).default("ZONAL"),
  })),
  cache: cache.extend({
    /** Memorystore capacity. */
    memoryGb: wholeNumber(1, 300).default(1),
    /** REGIONAL (Standard tier) keeps a replica in a second zone and fails over to it; ZONAL (Basic) does not. */
    availability: z.enum(["ZONAL", "REGIONAL"]).default("ZONAL"),
  }).optional(),
  /**
   * Keyless CI from GitHub Actions (Workload Identity Federation): a read-only identity for plans and
   * drift checks, and a deploy identity only jobs in the GitHub environment `deployEnvironment` may use.
   */
  ci: z.strictObject({
    githubRepository: z.string().regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, "a GitHub repository as owner/name, e.g. acme/backend"),
    /**
     * The repository's and its owner's numeric ids (`gh api repos/OWNER/REPO --jq .id,.owner.id`), as
     * strings: the trust condition checks these, not the name, which someone else can register after
     * a rename or a deletion. An id is never reused.
     */
    githubRepositoryId: z.string().regex(/^[1-9][0-9]{0,19}$/, "the repository's numeric id as a string, e.g. \"804113529\" (gh api repos/OWNER/REPO --jq .id)"),
    githubRepositoryOwnerId: z.string().regex(/^[1-9][0-9]{0,19}$/, "the owner's numeric id as a string, e.g. \"98765432\" (gh api repos/OWNER/REPO --jq .owner.id)"),
    /**
     * The GitHub environment whose jobs deploy this stack (restrict it to `main`, give it required reviewers).
     * Default: the stack's name. Not one ending in `-plan` or `-drift`: those are where pull-request plans and
     * drift checks run, with read-only credentials, and a pull request may choose them.
     */
    deployEnvironment: z.string().regex(/^[A-Za-z0-9._-]{1,255}$/, "a GitHub environment name")
      .refine((name) => !/-(plan|drift)$/.test(name), "a GitHub environment of its own for deploys, not one ending in -plan or -drift (where pull-request plans and drift checks run)")
      .optional(),
  }).optional(),
  backups: gcpBackups.optional(),
  /**
   * The project's logs (the `_Default` sink's regional log bucket) and the data bucket's access logs,
   * both in the environment's location: kept `retentionDays` (Cloud Logging allows 1 to 3650), then deleted.
   */
  logs: z.strictObject({ retentionDays: wholeNumber(1, 3650).default(30) }).default({ retentionDays: 30 }),
  /** The Google Cloud project id. */
  project: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, "a Google Cloud project id such as acme-prod-4711"),
  state: z.discriminatedUnion("backend", [localState, gcsState]),
});

export const environmentSchema = z.discriminatedUnion("provider", [dockerEnvironment, hetznerEnvironment, gcpEnvironment]);

export const PROVIDERS = ["docker", "hetzner", "gcp"] as const;

/** What an environment file writes (defaults may be left out). */
export type EnvironmentInput = z.input<typeof environmentSchema>;
/** A validated environment, defaults filled in, plus the name it was loaded under. */
export type Environment = z.output<typeof environmentSchema> & { readonly name: string; readonly file: string };
export type DockerEnvironment = Extract<Environment, { provider: "docker" }>;
export type HetznerEnvironment = Extract<Environment, { provider: "hetzner" }>;
export type GcpEnvironment = Extract<Environment, { provider: "gcp" }>;

interface Cidr {
  readonly family: 4 | 6;
  readonly prefix: number;
}

/** A CIDR's family and prefix, or why `value` is not a CIDR (in the words of a problem message). */
function parseCidr(value: string): Cidr | string {
  const expected = "an IPv4 or IPv6 CIDR such as 203.0.113.7/32 or 2001:db8::/48";
  const slash = value.indexOf("/");
  if (slash < 0) return `${expected}: the /prefix is missing`;
  const address = value.slice(0, slash);
  const prefixText = value.slice(slash + 1);
  const family = isIPv4(address) ? 4 : isIPv6(address) && !address.includes("%") ? 6 : undefined;
  if (!family) return `${expected}: "${address}" is not an IP address`;
  const width = family === 4 ? 32 : 128;
  const prefix = /^(0|[1-9]\d{0,2})$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= width)) return `${expected}: the prefix of an IPv${family} CIDR is /0 to /${width}`;
  // The hcloud provider refuses a range whose address has host bits set; name the network meant.
  const network = (family === 4 ? ipaddr.IPv4 : ipaddr.IPv6).networkAddressFromCIDR(value);
  if (network.toString() !== ipaddr.parse(address).toString()) {
    return `${expected}: the address has bits set past the /${prefix}; did you mean ${network.toString()}/${prefix}?`;
  }
  return { family, prefix };
}
