import { Construct } from "constructs";
import { Environment } from "../lib/environment";
import { deployerSecrets } from "./deployer-secrets";
import { BucketEndpoint, CacheEndpoint, DatabaseEndpoint, databaseUrl, redisUrl } from "./parts";

/**
 * The variables the app receives — the same contract on every target (README "Deploying your app"):
 * the backend's own (each only when its part exists) plus the environment file's `env` and `secrets`.
 * Split by whether a value is secret, as targets deliver the two differently (Cloud Run reads secrets
 * from Secret Manager).
 */
export interface AppEnvironment {
  /** Configuration anyone reading a plan may see: endpoints, names, the file's `env`. */
  readonly plain: Readonly<Record<string, string>>;
  /** Secrets, as Terraform references to sensitive values: URLs with passwords, keys, the file's `secrets`. */
  readonly secret: Readonly<Record<string, string>>;
  /** PORT, which only the service gets: workers and the release command serve nothing. */
  readonly port: number;
}

export interface AppParts {
  readonly db?: DatabaseEndpoint;
  readonly bucket?: BucketEndpoint;
  readonly cache?: CacheEndpoint;
}

export function appEnvironment(scope: Construct, env: Environment, parts: AppParts): AppEnvironment {
  const { db, bucket, cache } = parts;
  const plain: Record<string, string> = {
    ...(bucket && { S3_ENDPOINT: bucket.endpoint, S3_REGION: bucket.region, S3_BUCKET: bucket.name }),
    ...(cache?.caCertificate && { REDIS_CA_CERT: cache.caCertificate }),
    ...env.service.env,
  };
  const secret: Record<string, string> = {
    ...(db && { DATABASE_URL: databaseUrl(db) }),
    ...(bucket && { S3_ACCESS_KEY_ID: bucket.accessKeyId, S3_SECRET_ACCESS_KEY: bucket.secretAccessKey }),
    ...(cache && { REDIS_URL: redisUrl(cache) }),
    ...deployerSecrets(scope, env),
  };
  return { plain, secret, port: env.service.port };
}

/** Every variable as NAME=value, as a container takes them; with `port`, PORT too (the service). */
export function envLines(app: AppEnvironment, options: { port: boolean }): string[] {
  const all: Record<string, string> = { ...(options.port && { PORT: String(app.port) }), ...app.plain, ...app.secret };
  return Object.keys(all).sort().map((name) => `${name}=${all[name]}`);
}
