import { DockerEnvironment } from "../../lib/environment";

/**
 * Names of what a Docker environment creates on its engine. Shared by the constructs and by the
 * scripts that operate a running environment (backup, restore), so they cannot drift apart.
 */
export const dockerNames = (env: Pick<DockerEnvironment, "name">) => ({
  internalNetwork: `${env.name}-internal`,
  edgeNetwork: `${env.name}-edge`,
  postgres: `${env.name}-postgres`,
  postgresVolume: `${env.name}-pgdata`,
  objectStore: `${env.name}-objectstore`,
  objectStoreVolume: `${env.name}-objects`,
  app: (replica: number) => `${env.name}-app-${replica}`,
  proxy: `${env.name}-proxy`,
  proxyVolume: `${env.name}-proxy-data`,
  backup: `${env.name}-backup`,
  dataBucket: `${env.name}-data`,
  backupBucket: `${env.name}-backups`,
});

/** Every container, network and volume carries these, so an environment's objects can be found. */
export const ENVIRONMENT_LABEL = "io.portable-backend.environment";

export function dockerLabels(env: Pick<DockerEnvironment, "name">) {
  return [{ label: ENVIRONMENT_LABEL, value: env.name }];
}
