import { Construct } from "constructs";
import { AppEnvironment } from "./app-environment";

/*
 * The parts every target implements, and what they hand each other. A part receives what it needs
 * through these typed values, never by looking anything up globally.
 */

/** Where the app reaches Postgres (a private address), and as whom. */
export interface DatabaseEndpoint {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  /** A reference to a secret generated at apply time, never a literal. */
  readonly password: string;
  /** What the path to the database needs: TLS where it crosses a network the target does not own. */
  readonly sslmode: "disable" | "prefer" | "require";
}

/** The connection URL the app is given. */
export function databaseUrl(db: DatabaseEndpoint): string {
  return `postgres://${db.user}:${db.password}@${db.host}:${db.port}/${db.database}?sslmode=${db.sslmode}`;
}

/** An S3 endpoint, as the app and the backups reach it, and the keys to it. */
export interface S3Access {
  readonly endpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface BucketEndpoint extends S3Access {
  readonly name: string;
}

/** Where the app reaches Redis (a private address), with its password. */
export interface CacheEndpoint {
  readonly host: string;
  readonly port: number;
  /** A reference to a secret generated at apply time (URL-safe), never a literal. */
  readonly password: string;
  /** Whether the connection is TLS (`rediss://`). */
  readonly tls: boolean;
  /** With TLS from a private CA: its certificate (PEM), which clients must trust. */
  readonly caCertificate?: string;
}

/** The URL the app is given, e.g. redis://:<password>@cache:6379/0. */
export function redisUrl(cache: CacheEndpoint): string {
  return `${cache.tls ? "rediss" : "redis"}://:${cache.password}@${cache.host}:${cache.port}/0`;
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

/**
 * What the parts read of an environment's type: its parts' fields. Every built-in Environment has them,
 * and so does a registered target's (commonFields).
 */
export interface EnvironmentParts {
  readonly database: unknown;
  readonly bucket: unknown;
  readonly cache?: unknown;
  readonly backups?: unknown;
}

/** The environment's settings of one part, when it has that part (`database: false` has none). */
export type DatabaseSettings<E extends EnvironmentParts> = Exclude<E["database"], false>;
export type BucketSettings<E extends EnvironmentParts> = Exclude<E["bucket"], false>;
export type CacheSettings<E extends EnvironmentParts> = NonNullable<E["cache"]>;
export type BackupSettings<E extends EnvironmentParts> = NonNullable<E["backups"]>;

/** What the service part (the app, its workers and its release command) is given. */
export interface ServiceDeps<Net, Bucket extends BucketEndpoint, Db extends DatabaseEndpoint, Cache extends CacheEndpoint> {
  readonly network: Net;
  readonly db?: Db;
  readonly bucket?: Bucket;
  readonly cache?: Cache;
  /** The variables the app, its workers and its release command receive. */
  readonly variables: AppEnvironment;
}

export interface BackupDeps<Net, Bucket extends BucketEndpoint, Db extends DatabaseEndpoint> {
  readonly network: Net;
  readonly db: Db;
  /** The app's bucket, when the environment has one. */
  readonly bucket?: Bucket;
}

/**
 * What a target builds; `Net`, `Bucket`, `Db` and `Cache` are its own types, passed between its parts.
 * A part the environment turns off (`database: false`, `bucket: false`, no `cache`) is not asked for,
 * and neither are backups without a database.
 */
export interface BackendParts<
  E extends EnvironmentParts, Net,
  Bucket extends BucketEndpoint = BucketEndpoint, Db extends DatabaseEndpoint = DatabaseEndpoint, Cache extends CacheEndpoint = CacheEndpoint,
> {
  network(scope: Construct, env: E): Net;
  database(scope: Construct, env: E, network: Net, settings: DatabaseSettings<E>): Db;
  bucket(scope: Construct, env: E, network: Net, settings: BucketSettings<E>): Bucket;
  cache(scope: Construct, env: E, network: Net, settings: CacheSettings<E>): Cache;
  service(scope: Construct, env: E, deps: ServiceDeps<Net, Bucket, Db, Cache>): ServiceEndpoint;
  dns(scope: Construct, env: E, service: ServiceEndpoint): void;
  backups(scope: Construct, env: E, deps: BackupDeps<Net, Bucket, Db>, settings: BackupSettings<E>): Backups;
}
