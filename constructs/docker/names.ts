/**
 * Names of what a Docker environment (named `environment`) creates on its engine. Shared by the
 * constructs and by the scripts that operate a running environment (backup, restore), so they cannot
 * drift apart.
 * The app's containers (replicas, workers, the release command) carry their release's id after these
 * prefixes: a release creates its containers before the previous release's are removed.
 */
export const dockerNames = (environment: string) => ({
  internalNetwork: `${environment}-internal`,
  edgeNetwork: `${environment}-edge`,
  postgres: `${environment}-postgres`,
  /**
   * Postgres' data, one volume per major: a deploy of another major starts on an empty volume and
   * leaves the old one as it was (README "Upgrading Postgres"). 15's keeps the name from before the
   * major was in it, so the data of deployments made then is found again.
   */
  postgresVolume: (major: number) => (major === 15 ? `${environment}-pgdata` : `${environment}-pgdata-${major}`),
  objectStore: `${environment}-objectstore`,
  objectStoreVolume: `${environment}-objects`,
  cache: `${environment}-cache`,
  cacheVolume: `${environment}-cachedata`,
  app: (replica: number) => `${environment}-app-${replica}`,
  worker: (worker: string, replica: number) => `${environment}-worker-${worker}-${replica}`,
  release: `${environment}-release`,
  ready: `${environment}-ready`,
  probeVolume: `${environment}-probe`,
  proxy: `${environment}-proxy`,
  route: `${environment}-route`,
  proxyVolume: `${environment}-proxy-data`,
  backup: `${environment}-backup`,
  dataBucket: `${environment}-data`,
  backupBucket: `${environment}-backups`,
});

/** Every container, network and volume carries these, so an environment's objects can be found. */
export const ENVIRONMENT_LABEL = "io.portable-backend.environment";
/** What a container is for: app, worker, release, proxy, postgres, … (the app's have release ids in their names). */
export const ROLE_LABEL = "io.portable-backend.role";

/**
 * The environment a Docker object belongs to, as its ENVIRONMENT_LABEL says: in the props of a container
 * or a volume, whose `name` is the object's own.
 */
export interface EnvironmentLabel {
  /** The environment's name, the value of its ENVIRONMENT_LABEL. */
  readonly environment: string;
}

export function dockerLabels(environment: string, role?: string) {
  return [{ label: ENVIRONMENT_LABEL, value: environment }, ...(role ? [{ label: ROLE_LABEL, value: role }] : [])];
}
