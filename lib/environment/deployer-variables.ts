import { hostBackups } from "./backups";
import { Environment } from "./schema";

/**
 * Every variable of the deployer's that an environment file names: the app's secrets, the backups'
 * encryption key and an off-site store's keys. A plan reads each (providers/portable); CI puts each
 * from the job's secrets into the job's environment (npm run app-secrets).
 */
export function deployerVariables(env: Environment): string[] {
  const backups = hostBackups(env);
  const refs = [...Object.values(env.service.secrets), backups?.encryptionKey, backups?.offsite?.accessKeyId, backups?.offsite?.secretAccessKey];
  return [...new Set(refs.flatMap((ref) => (ref ? [ref.env] : [])))].sort();
}
