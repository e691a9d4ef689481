/**
 * Locally built container images (see scripts/images.ts and images/README.md).
 *
 * `npm run images` builds every tag below on the local Docker Engine; no image
 * registry is involved. Environments import the tags from here.
 */
export const localImages = {
  base: "portable-backend/debian:bookworm",
  /** Debian trixie, built the same way: Postgres 17 and the backup tools (bookworm has Postgres 15 only). */
  baseTrixie: "portable-backend/debian:trixie",
  /** The default Postgres major (lib/environment/schema.ts DEFAULT_POSTGRES_MAJOR), from trixie. The tag is the major. */
  postgres: "portable-backend/postgres:17",
  /** The previous major, from bookworm: for data still on 15 until it is moved (README "Upgrading Postgres"). */
  postgres15: "portable-backend/postgres:15",
  objectstore: "portable-backend/objectstore:versitygw-1.8.0",
  proxy: "portable-backend/caddy:2.11.9",
  app: "portable-backend/app:0.1.0",
  /** pg_dump/pg_restore of the newest major (17), which read and write every older supported server too. */
  backup: "portable-backend/backup:0.2.0",
  cache: "portable-backend/redis:7",
  exampleApp: "portable-backend/example-fastapi:0.1.0",
  /** Tests only: a Docker host reached over ssh (its own engine + key-only sshd), see __tests__/support/standin-vps.ts. */
  standinVps: "portable-backend/standin-vps:0.1.0",
} as const;

export type LocalImageName = keyof typeof localImages;
export type LocalImageTag = (typeof localImages)[LocalImageName];

/** Build order: every image comes after the images it is built from. */
export const localImageOrder: readonly LocalImageName[] = [
  "base",
  "baseTrixie",
  "standinVps",
  "postgres",
  "postgres15",
  "cache",
  "objectstore",
  "proxy",
  "app",
  "backup",
  "exampleApp",
];

/** The Postgres images by major (their names here): an image's major is what `database.postgres` must say (lib/environment/consistency.ts). */
export const postgresImages: Readonly<Record<number, LocalImageName>> = { 15: "postgres15", 17: "postgres" };

/** The major version in a Postgres image's tag (`…:17`, `…:15.8-bookworm`), or undefined when the tag does not start with one. */
export function postgresMajorOfImage(image: string): number | undefined {
  if (image.includes("@")) return undefined; // a digest says nothing about the version
  const major = /:(\d+)(?:[.-][^/:]*)?$/.exec(image)?.[1];
  return major === undefined ? undefined : Number(major);
}

/** Label holding the content hash of an image's build inputs. */
export const inputsHashLabel = "io.portable-backend.inputs-hash";

/**
 * What the images expect at run time (ports, users, volume paths, probes).
 * Health checks are not baked into the images; Terraform sets them, e.g.
 * `healthcheck { test = imageRuntime.app.healthcheck }`.
 */
export const imageRuntime = {
  postgres: {
    port: 5432,
    user: "999:999",
    dataDir: "/var/lib/postgresql/data",
    /** POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE is required on first start. */
    env: ["POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_PASSWORD_FILE", "POSTGRES_DB"],
    stopSignal: "SIGINT",
    healthcheck: ["CMD", "pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"],
  },
  objectstore: {
    port: 7070,
    user: "65532:65532",
    dataDir: "/data",
    /** Root credentials of the S3 API. */
    env: ["ROOT_ACCESS_KEY", "ROOT_SECRET_KEY", "VGW_REGION"],
    healthcheck: ["CMD", "/usr/local/bin/httpcheck", "http://127.0.0.1:7070/health"],
  },
  proxy: {
    ports: [80, 443],
    user: "65532:65532",
    /** Terraform uploads (or bind-mounts) the Caddyfile here. */
    caddyfile: "/etc/caddy/Caddyfile",
    /** Certificates and ACME state: mount a persistent volume. */
    dataDir: "/data",
    configDir: "/config",
    healthcheck: ["CMD", "/usr/bin/httpcheck", "http://127.0.0.1:2019/config/"],
  },
  app: {
    port: 8080,
    user: "65532:65532",
    env: [
      "PORT",
      "APP_VERSION",
      "DATABASE_URL",
      "S3_ENDPOINT",
      "S3_BUCKET",
      "S3_REGION",
      "S3_ACCESS_KEY_ID",
      "S3_SECRET_ACCESS_KEY",
    ],
    healthcheck: ["CMD", "/app", "healthcheck"],
  },
  backup: {
    user: "65532:65532",
    command: ["schedule"],
    env: [
      "PGHOST",
      "PGPORT",
      "PGUSER",
      "PGPASSWORD",
      "PGPASSWORD_FILE",
      "PGDATABASE",
      "S3_ENDPOINT",
      "S3_BUCKET",
      "S3_REGION",
      "S3_ACCESS_KEY_ID",
      "S3_SECRET_ACCESS_KEY",
      "BACKUP_PREFIX",
      "BACKUP_RETENTION_DAYS",
      "BACKUP_INTERVAL_SECONDS",
    ],
  },
  cache: {
    port: 6379,
    user: "999:999",
    dataDir: "/data",
    /** Required: the entrypoint refuses to start without a password. */
    env: ["REDIS_PASSWORD", "REDIS_PASSWORD_FILE"],
    /** Redis writes its data and exits cleanly on SIGTERM. */
    stopSignal: "SIGTERM",
    /** PING with the password (from the container's REDIS_PASSWORD[_FILE]) must answer PONG. */
    healthcheck: ["CMD", "redis-health"],
  },
  /** The example Python app (images/example-app/): web, release command and worker from one image. */
  exampleApp: {
    port: 8000,
    user: "65532:65532",
    command: ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"],
    release: ["alembic", "upgrade", "head"],
    worker: ["python3", "-m", "app.worker"],
    healthPath: "/healthz",
    /** GET http://127.0.0.1:$PORT/healthz (PORT default 8000) must answer 200; no curl in the image. */
    healthcheck: ["CMD", "python3", "-m", "app.healthcheck"],
    env: [
      "PORT",
      "DATABASE_URL",
      "S3_ENDPOINT",
      "S3_REGION",
      "S3_BUCKET",
      "S3_ACCESS_KEY_ID",
      "S3_SECRET_ACCESS_KEY",
      "REDIS_URL",
      "APP_MODE",
      "LOG_LEVEL",
      "SECRET_KEY",
    ],
  },
  /**
   * The stand-in VPS of the integration tests (images/standin-vps/): dockerd + sshd for `deploy`.
   * It needs the `runFlags` (no --privileged) and a volume on `dataDir`; only `ssh://deploy@…` gets in.
   */
  standinVps: {
    port: 22,
    sshUser: "deploy",
    /** The engine's data: a volume, so overlay2 works (not overlay on overlay). */
    dataDir: "/var/lib/docker",
    /** AUTHORIZED_KEY (the public key(s) deploy logs in with) is required; the others are optional. */
    env: ["AUTHORIZED_KEY", "DOCKERD_START_TIMEOUT", "DOCKERD_ARGS"],
    hostKey: "/etc/ssh/ssh_host_ed25519_key.pub",
    dockerdLog: "/var/log/dockerd.log",
    runFlags: [
      "--cap-add", "SYS_ADMIN",
      "--cap-add", "NET_ADMIN",
      // `docker exec` inside (health checks, `npm run backup`) joins a container's namespaces (setns).
      "--cap-add", "SYS_PTRACE",
      "--security-opt", "seccomp=unconfined",
      "--security-opt", "apparmor=unconfined",
      "--cgroupns", "host",
      "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw",
    ],
  },
} as const;
