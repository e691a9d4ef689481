import { DockerEnvironment, Environment } from "./schema";

/** An off-site store an environment file names (`backups.offsite` on Docker and Hetzner). */
export type OffsiteStoreSettings = Exclude<NonNullable<DockerEnvironment["backups"]>["offsite"], undefined>;

/**
 * How a Docker or Hetzner environment's backups are protected, as its file says: the encryption key, the
 * off-site store it names, and whether dumps are copied off-site at all (on Hetzner by default, to the
 * machines' stack's bucket, unless `offsite: false`). Undefined on gcp (Cloud SQL's own backups) and
 * without backups. The one place that reads these fields for the scripts, the checks and the constructs.
 */
export function hostBackups(env: Environment) {
  if (env.provider === "gcp" || !env.backups) return undefined;
  const { encryptionKey, offsite } = env.backups;
  return {
    encryptionKey,
    /** The store the file names, if it names one. */
    offsite: offsite || undefined,
    copiedOffsite: env.provider === "hetzner" ? offsite !== false : offsite !== undefined,
  };
}
