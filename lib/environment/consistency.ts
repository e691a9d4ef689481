import { localImages, postgresImages, postgresMajorOfImage, type LocalImageName } from "../../images/catalog";
import { gcpImageProblems } from "./gcp-images";
import { Problem, valueAt } from "./problems";
import { DEFAULT_POSTGRES_MAJOR, POSTGRES_MAJORS } from "./schema";

/** Rules that tie fields together, checked on the raw data alongside the schema. */
export function consistencyProblems(raw: unknown): Problem[] {
  const problems: Problem[] = [...appProblems(raw), ...offsiteProblems(raw)];
  if (valueAt(raw, ["provider"]) === "docker") problems.push(...dockerProblems(raw));
  if (valueAt(raw, ["provider"]) === "hetzner") problems.push(...containerImageProblems(raw));
  if (valueAt(raw, ["provider"]) === "gcp") problems.push(...gcpImageProblems(raw));
  const delegations = valueAt(raw, ["dns", "delegations"]);
  if (delegations !== undefined && (valueAt(raw, ["dns", "provider"]) !== "gcp" || valueAt(raw, ["dns", "createZone"]) === false)) {
    problems.push({ field: "dns.delegations", value: delegations, message: "only with dns.provider gcp and a zone this stack creates (createZone not false): the NS and DS records go into that zone" });
  }
  return problems;
}

/** The app's fields against each other and against what the environment has. */
function appProblems(raw: unknown): Problem[] {
  const problems: Problem[] = [];
  const database = valueAt(raw, ["database"]);
  if (database !== undefined && database !== false && valueAt(raw, ["backups"]) === undefined) {
    problems.push({ field: "backups", value: undefined, message: "required with a database: how often it is dumped and how long dumps are kept, e.g. { retentionDays: 7 }" });
  }
  const env = valueAt(raw, ["service", "env"]);
  const secrets = valueAt(raw, ["service", "secrets"]);
  if (isRecord(env) && isRecord(secrets)) {
    for (const name of Object.keys(secrets).filter((n) => Object.hasOwn(env, n))) {
      problems.push({ field: `service.env.${name}`, value: env[name], message: `also in service.secrets: a variable is either configuration (env) or a secret, not both` });
    }
  }
  if (valueAt(raw, ["provider"]) === "gcp") {
    const startTimeout = valueAt(raw, ["service", "startTimeoutSeconds"]);
    if (typeof startTimeout === "number" && startTimeout > 240) {
      problems.push({ field: "service.startTimeoutSeconds", value: startTimeout, message: "at most 240 on gcp: Cloud Run's startup probe gives an instance at most 240 s" });
    }
    // Cloud Run sets these itself and refuses a revision that sets them.
    const reserved = (name: string) => /^(K_SERVICE|K_REVISION|K_CONFIGURATION|CLOUD_RUN_.*|X_GOOGLE_.*)$/.test(name);
    for (const [field, names] of [["env", env], ["secrets", secrets]] as const) {
      if (!isRecord(names)) continue;
      for (const name of Object.keys(names).filter(reserved)) {
        problems.push({ field: `service.${field}.${name}`, value: names[name], message: "set by Cloud Run itself (K_SERVICE, K_REVISION, K_CONFIGURATION, CLOUD_RUN_*, X_GOOGLE_*); choose another name" });
      }
    }
  }
  return problems;
}

/**
 * Off-site copies: encrypted, and somewhere else. A key is required wherever dumps leave the host (an
 * off-site store, and Hetzner's backup bucket, which is Object Storage); an off-site copy in the
 * environment's own location would burn with it.
 */
function offsiteProblems(raw: unknown): Problem[] {
  const backups = valueAt(raw, ["backups"]);
  if (!isRecord(backups)) return [];
  const provider = valueAt(raw, ["provider"]);
  const problems: Problem[] = [];
  const offsite = backups.offsite;
  const keyNeeded = provider === "hetzner" ? "on hetzner: the dumps go to Object Storage (and, unless offsite is false, to a second location)"
    : isRecord(offsite) && provider === "docker" ? "with backups.offsite: the dumps and objects leave the host" : undefined;
  if (keyNeeded && backups.encryptionKey === undefined) {
    problems.push({ field: "backups.encryptionKey", value: undefined, message: `required ${keyNeeded}; name the deployer's variable that holds a long random key, e.g. { env: "BACKUP_ENCRYPTION_KEY" } (openssl rand -base64 32). Keep a copy elsewhere: without it the backups cannot be read` });
  }
  const location = valueAt(raw, ["location"]);
  if (isRecord(offsite) && offsite.location !== undefined && offsite.location === location && provider !== "docker") {
    problems.push({ field: "backups.offsite.location", value: offsite.location, message: `the environment's own location: an off-site copy must be elsewhere, so that one site's loss does not take both` });
  }
  return problems;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** The project's container images an environment names (Docker, and Hetzner's servers run the same). */
function containerImageProblems(raw: unknown): Problem[] {
  const problems: Problem[] = [];
  if (valueAt(raw, ["cache"]) !== undefined && valueAt(raw, ["images", "cache"]) === undefined && isRecord(valueAt(raw, ["images"]))) {
    problems.push({ field: "images.cache", value: undefined, message: `required with a cache: the Redis image (built by \`npm run images\` as ${localImages.cache})` });
  }
  problems.push(...postgresImageProblems(raw));
  return problems;
}

/**
 * `database.postgres` (default DEFAULT_POSTGRES_MAJOR) against the major of `images.postgres`'s tag: a
 * server of one major never runs on another's data, and the data volume is the major's (dockerNames).
 * A tag that does not start with a major (a digest, `…:prod`) is not judged here; the image's
 * entrypoint still refuses a data directory of another major.
 */
function postgresImageProblems(raw: unknown): Problem[] {
  const database = valueAt(raw, ["database"]);
  const image = valueAt(raw, ["images", "postgres"]);
  if (!isRecord(database) || typeof image !== "string") return [];
  const asked = database.postgres;
  const major = asked ?? DEFAULT_POSTGRES_MAJOR;
  // An unsupported version is the schema's problem.
  if (!(POSTGRES_MAJORS as readonly unknown[]).includes(major)) return [];
  const imageMajor = postgresMajorOfImage(image);
  if (imageMajor === undefined || imageMajor === major) return [];
  const ours = postgresImages[major as number] as LocalImageName | undefined;
  const use = ours ? `images.postgres: ${localImages[ours]} (localImages.${ours}) or another Postgres ${major} image` : `an image of Postgres ${major} in images.postgres (the project builds ${Object.keys(postgresImages).join(" and ")})`;
  const what = asked === undefined ? `left out, so ${major} (the default),` : `Postgres ${major},`;
  return [{
    field: "database.postgres", value: asked,
    message: `${what} but images.postgres is ${image}, a Postgres ${imageMajor} image: they must be the same major. ` +
      `Use ${use}, or database.postgres: ${imageMajor} to stay on ${imageMajor}; ` +
      `moving a deployed database to another major: README "Upgrading Postgres"`,
  }];
}

/** Settings a Docker environment takes but whose meaning the Docker target would not deliver. */
function dockerProblems(raw: unknown): Problem[] {
  const problems: Problem[] = [...containerImageProblems(raw)];
  if (valueAt(raw, ["dns"]) !== undefined && valueAt(raw, ["host", "publicIpv4"]) === undefined) {
    problems.push({ field: "host.publicIpv4", value: undefined, message: "required when dns is set: the address the DNS records point at" });
  }
  const bucket = "the Docker object store keeps its buckets on the Docker host, named <environment>-data and <environment>-backups";
  if (valueAt(raw, ["bucket", "name"]) !== undefined) problems.push({ field: "bucket.name", value: valueAt(raw, ["bucket", "name"]), message: `not used on Docker: ${bucket}; leave it out` });
  if (valueAt(raw, ["bucket", "location"]) !== undefined) problems.push({ field: "bucket.location", value: valueAt(raw, ["bucket", "location"]), message: `not used on Docker: ${bucket}, in \`location\`; leave it out` });
  if (valueAt(raw, ["bucket", "versioning"]) === true) problems.push({ field: "bucket.versioning", value: true, message: "the Docker object store keeps no object versions; set false or leave it out" });
  return problems;
}
