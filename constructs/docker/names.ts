import { DockerEnvironment } from "../../lib/environment";

/**
 * Names of what a Docker environment creates on its engine. Shared by the constructs and by the
 * scripts that operate a running environment (backup, restore), so they cannot drift apart.
 * The app's containers (replicas, workers, the release command) carry their release's id after these
 * prefixes: a release creates its containers before the previous release's are removed.
 */
export const dockerNames = (env: Pick<DockerEnvironment, "name">) => ({
  internalNetwork: `${env.name}-internal`,
  edgeNetwork: `${env.name}-edge`,
  postgres: `${env.name}-postgres`,
  /**
   * Postgres' data, one volume per major: a deploy of another major starts on an empty volume and
   * leaves the old one as it was (README "Upgrading Postgres"). 15's keeps the name from before the
   * major was in it, so the data of deployments made then is found again.
   */
  postgresVolume: (major: number) => (major === 15 ? `${env.name}-pgdata` : `${env.name}-pgdata-${major}`),
  objectStore: `${env.name}-objectstore`,
  objectStoreVolume: `${env.name}-objects`,
  cache: `${env.name}-cache`,
  cacheVolume: `${env.name}-cachedata`,
  app: (replica: number) => `${env.name}-app-${replica}`,
  worker: (worker: string, replica: number) => `${env.name}-worker-${worker}-${replica}`,
  release: `${env.name}-release`,
  ready: `${env.name}-ready`,
  probeVolume: `${env.name}-probe`,
  proxy: `${env.name}-proxy`,
  route: `${env.name}-route`,
  proxyVolume: `${env.name}-proxy-data`,
  backup: `${env.name}-backup`,
  dataBucket: `${env.name}-data`,
  backupBucket: `${env.name}-backups`,
});

/** Every container, network and volume carries these, so an environment's objects can be found. */
export const ENVIRONMENT_LABEL = "io.portable-backend.environment";
/** What a container is for: app, worker, release, proxy, postgres, … (the app's have release ids in their names). */
export const ROLE_LABEL = "io.portable-backend.role";

export function dockerLabels(env: Pick<DockerEnvironment, "name">, role?: string) {
  return [{ label: ENVIRONMENT_LABEL, value: env.name }, ...(role ? [{ label: ROLE_LABEL, value: role }] : [])];
}
