import { hostBackups } from "./backups";
import { Environment } from "./schema";

/**
 * What an environment file allows but its team should know before relying on it, said by `npm run plan`:
 * an old name it still uses, and backups that share the host's fate. A Docker host's dumps are on that host unless `backups.offsite`
 * names a store elsewhere (the local engine, a developer's machine, is exempt); Hetzner's have a copy in
 * another location unless the file says `offsite: false`.
 */
export function environmentWarnings(env: Environment): string[] {
  const renamed = env.state.backend === "s3" ? [`${env.file}: state.backend "s3" is now called "hetzner-object-storage" (the store, not its protocol); the old name still works`] : [];
  return [...renamed, ...backupWarnings(env)];
}

function backupWarnings(env: Environment): string[] {
  const backups = hostBackups(env);
  if (!env.database || !backups || backups.copiedOffsite) return [];
  if (env.provider === "docker" && !env.host.url.startsWith("unix://")) {
    return [`${env.file}: backups.offsite is not set: the dumps stay on the Docker host (${env.host.url}), and a lost disk or deleted server takes the database and every backup with it. Name an S3 store elsewhere (README "Backups").`];
  }
  if (env.provider === "hetzner") {
    return [`${env.file}: backups.offsite is false: the dumps are only in Object Storage in ${env.location}, where the servers are; a site's loss takes both.`];
  }
  return [];
}
