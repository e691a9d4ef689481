import { z } from "zod";

/*
 * The app's side of an environment file: what the app may ask for (its configuration, secrets, release
 * command, workers, cache) and the variables every target gives it. One contract on every target.
 */

/**
 * The variables the backend sets for the app (each only when its part exists): an environment file
 * cannot set them itself, as the part's value would be lost or would replace it silently.
 */
export const CONTRACT_VARIABLES = [
  "PORT", "DATABASE_URL", "S3_ENDPOINT", "S3_REGION", "S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "REDIS_URL", "REDIS_CA_CERT",
] as const;
export type ContractVariable = (typeof CONTRACT_VARIABLES)[number];

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** An environment variable's name, as shells and container runtimes accept it. */
export const envName = z.string().regex(ENV_NAME, "an environment variable name: letters, digits and _, not starting with a digit, e.g. LOG_LEVEL");

/** A variable the app receives: a valid name, and none the backend sets itself. */
const appVariableName = envName.refine((name) => !(CONTRACT_VARIABLES as readonly string[]).includes(name),
  { error: (issue) => `${String(issue.input)} is set by the backend itself (${CONTRACT_VARIABLES.join(", ")}); choose another name` });

/** A reference to a secret: the name of the environment variable that holds it when the deployer plans or applies. */
export const secretRef = z.strictObject({ env: envName });
export type SecretRef = z.infer<typeof secretRef>;

const command = z.array(z.string().min(1)).min(1);

/** What the service part adds to the service's own fields. */
export const appFields = {
  /**
   * Replaces the image's command (Docker's CMD, Cloud Run's args); the image's entrypoint stays. Default:
   * the image's own.
   */
  command: command.optional(),
  /** Plain configuration, visible in plans and to anyone who can read the deployment. */
  env: z.record(appVariableName, z.string()).default({}),
  /** The app's secrets: variable inside the app → the deployer's variable that holds the value. */
  secrets: z.record(appVariableName, secretRef).default({}),
  /**
   * Run to completion once per release (a new image, command, env or secret value), with the release's
   * image and environment, before any replica of the new version takes traffic: migrations. A failure
   * fails the deploy and leaves the previous version serving.
   */
  release: z.strictObject({ command }).optional(),
};

/** A background process: the service's image, environment and secrets; no port, restarted when it fails. */
const worker = z.strictObject({
  command,
  replicas: z.number().int().min(1).max(20).default(1),
  port: z.custom<never>((value) => value === undefined, "a worker gets no port: nothing reaches it over the network (a process that serves requests is the service)").optional(),
});

/** Worker name → worker. Names become container and Cloud Run names: a short DNS label. */
export const workers = z.record(z.string().regex(/^[a-z][a-z0-9-]{0,19}$/, "a short name: lower-case letters, digits and dashes, at most 20, starting with a letter"), worker).default({});

/** A Redis cache (or queue broker) for the app and workers, on the private network only, password required. */
export const cache = z.strictObject({
  engine: z.literal("redis").default("redis"),
});
