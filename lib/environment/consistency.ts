import { localImages } from "../../images/catalog";
import { Problem, valueAt } from "./problems";
import { POSTGRES_MAJORS } from "./schema";

/**
 * The Postgres major version of the project's Docker images: the postgres image and the backup
 * image's pg_dump are built together for it (images/), and the catalog's tag carries it.
 */
export const DOCKER_POSTGRES_MAJOR = postgresMajor(localImages.postgres);

function postgresMajor(tag: string): number {
  const major = /:(\d+)$/.exec(tag)?.[1];
  if (!major) throw new Error(`images/catalog.ts: the postgres image's tag must be its major version (e.g. :15), got ${tag}`);
  return Number(major);
}

/** Rules that tie fields together, checked on the raw data alongside the schema. */
export function consistencyProblems(raw: unknown): Problem[] {
  const problems: Problem[] = [];
  if (valueAt(raw, ["provider"]) === "docker") problems.push(...dockerProblems(raw));
  if (valueAt(raw, ["provider"]) === "hetzner") {
    // Postgres comes from the server image's Debian packages: Debian 12 ships 15, Debian 13 ships 17.
    const debian = { "debian-12": 15, "debian-13": 17 } as Record<string, number>;
    const image = (valueAt(raw, ["serverImage"]) as string | undefined) ?? "debian-12";
    if (debian[image] !== undefined) problems.push(...postgresOtherThan(raw, debian[image], `${image} ships Postgres ${debian[image]}; use that, or another serverImage`));
  }
  return problems;
}

/** Settings a Docker environment takes but whose meaning the Docker target would not deliver. */
function dockerProblems(raw: unknown): Problem[] {
  const problems: Problem[] = [];
  if (valueAt(raw, ["dns"]) !== undefined && valueAt(raw, ["host", "publicIpv4"]) === undefined) {
    problems.push({ field: "host.publicIpv4", value: undefined, message: "required when dns is set: the address the DNS records point at" });
  }
  // pg_dump refuses a server newer than itself.
  problems.push(...postgresOtherThan(raw, DOCKER_POSTGRES_MAJOR,
    `the Docker images provide Postgres ${DOCKER_POSTGRES_MAJOR} (${localImages.postgres}, and pg_dump ${DOCKER_POSTGRES_MAJOR} in the backup image); use ${DOCKER_POSTGRES_MAJOR}`));
  const bucket = "the Docker object store keeps its buckets on the Docker host, named <environment>-data and <environment>-backups";
  if (valueAt(raw, ["bucket", "name"]) !== undefined) problems.push({ field: "bucket.name", value: valueAt(raw, ["bucket", "name"]), message: `not used on Docker: ${bucket}; leave it out` });
  if (valueAt(raw, ["bucket", "location"]) !== undefined) problems.push({ field: "bucket.location", value: valueAt(raw, ["bucket", "location"]), message: `not used on Docker: ${bucket}, in \`location\`; leave it out` });
  if (valueAt(raw, ["bucket", "versioning"]) === true) problems.push({ field: "bucket.versioning", value: true, message: "the Docker object store keeps no object versions; set false or leave it out" });
  return problems;
}

/** `database.postgres`, if it asks for a supported major other than the one the target provides. */
function postgresOtherThan(raw: unknown, provided: number, message: string): Problem[] {
  const postgres = valueAt(raw, ["database", "postgres"]);
  // An unsupported version is the schema's problem.
  const supported = (POSTGRES_MAJORS as readonly unknown[]).includes(postgres);
  return supported && postgres !== provided ? [{ field: "database.postgres", value: postgres, message }] : [];
}
