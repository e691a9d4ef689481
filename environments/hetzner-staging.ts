import { localImages } from "../images/catalog";
import { defineEnvironment } from "../lib/environment";

export default defineEnvironment({
  provider: "hetzner",
  residency: "eu",
  location: "nbg1",
  service: { image: "ghcr.io/acme/api:1.4.2", replicas: 1, size: "cx23", healthPath: "/healthz" },
  database: { size: "cx23", storageGb: 10, postgres: 17 },
  bucket: { name: "acme-staging-data", versioning: true },
  dns: { provider: "hetzner", zone: "acme.de", record: "api-staging", createZone: false }, // hetzner-prod owns the zone
  // Dumps encrypted with a key only the deployer holds; copies off-site in Object Storage in hel1 (the default).
  backups: { retentionDays: 7, schedule: "daily", encryptionKey: { env: "HETZNER_STAGING_BACKUP_KEY" } },
  network: { cidr: "10.20.0.0/16", adminCidrs: ["198.51.100.0/24"] },
  sshKeys: ["ops"],
  // The project's images (npm run images), on the servers before a deploy: README "The Hetzner target".
  images: { postgres: localImages.postgres, proxy: localImages.proxy, backup: localImages.backup },
  protect: false,
  // Its own state bucket, in a Hetzner project of its own: a project's Object Storage keys reach every bucket in
  // it, so the keys a staging plan holds must not reach another environment's state (README "What a pull request can reach").
  state: { backend: "hetzner-object-storage", bucket: "acme-staging-tfstate", location: "fsn1", key: "hetzner-staging/terraform.tfstate" },
});
