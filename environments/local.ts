import { localImages } from "../images/catalog";
import { defineEnvironment } from "../lib/environment";

// The default: the whole backend on this machine's Docker Engine, reachable on 127.0.0.1 only.
export default defineEnvironment({
  provider: "docker",
  residency: "eu",
  location: "de", // the country this machine is in; change it if yours is elsewhere
  host: { url: "unix:///var/run/docker.sock", bindAddress: "127.0.0.1", httpPort: 8080, httpsPort: 8443 },
  // Built locally by `npm run images` (no registry needed).
  service: { image: localImages.app, replicas: 2, healthPath: "/healthz" },
  images: { postgres: localImages.postgres, objectStore: localImages.objectstore, proxy: localImages.proxy, backup: localImages.backup },
  database: { postgres: 17 }, // the image's major (localImages.postgres); pinned: README "Upgrading Postgres"
  bucket: { versioning: false },
  backups: { retentionDays: 7, schedule: "daily" },
  protect: true, // destroy keeps the database and bucket volumes
  state: { backend: "local" },
});
