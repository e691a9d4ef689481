import { Construct } from "constructs";
import { Environment } from "../lib/environment";

/*
 * The six parts every target implements, and what they hand each other. A part receives what it
 * needs through these typed values, never by looking anything up globally.
 */

/** Where the app reaches Postgres (a private address), and as whom. */
export interface DatabaseEndpoint {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  /** A reference to a secret generated at apply time, never a literal. */
  readonly password: string;
}

/** The connection URL the app is given; `sslmode` says what the path to the database needs. */
export function databaseUrl(db: DatabaseEndpoint, sslmode: "disable" | "prefer" | "require"): string {
  return `postgres://${db.user}:${db.password}@${db.host}:${db.port}/${db.database}?sslmode=${sslmode}`;
}

export interface BucketEndpoint {
  readonly name: string;
  /** S3 endpoint as the app and backups reach it. */
  readonly endpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface ServiceEndpoint {
  /** Where users reach the service. */
  readonly url: string;
  /** Public addresses DNS records point at (A and AAAA). */
  readonly publicIpv4: readonly string[];
  readonly publicIpv6: readonly string[];
}

export interface Backups {
  /** Where dumps go, e.g. s3://local-backups/backups/. */
  readonly location: string;
}

export interface PartDeps<Net, Bucket extends BucketEndpoint, Db extends DatabaseEndpoint> {
  readonly net: Net;
  readonly db: Db;
  readonly bucket: Bucket;
}

/** What a target builds; `Net`, `Bucket` and `Db` are its own types, passed between its parts. */
export interface BackendParts<E extends Environment, Net, Bucket extends BucketEndpoint = BucketEndpoint, Db extends DatabaseEndpoint = DatabaseEndpoint> {
  network(scope: Construct, env: E): Net;
  database(scope: Construct, env: E, net: Net): Db;
  bucket(scope: Construct, env: E, net: Net): Bucket;
  service(scope: Construct, env: E, deps: PartDeps<Net, Bucket, Db>): ServiceEndpoint;
  dns(scope: Construct, env: E, service: ServiceEndpoint): void;
  backups(scope: Construct, env: E, deps: PartDeps<Net, Bucket, Db>): Backups;
}
