import { localImages } from "../images/catalog";
import { defineEnvironment } from "../lib/environment";

export default defineEnvironment({
  provider: "hetzner",
  residency: "eu-sovereign",
  location: "fsn1",
  service: { image: "ghcr.io/acme/api:1.4.2", replicas: 2, size: "cx33", healthPath: "/healthz" },
  database: { size: "cx33", storageGb: 40, postgres: 17 },
  bucket: { name: "acme-prod-data", versioning: true },
  dns: { provider: "hetzner", zone: "acme.de", record: "api" },
  // Dumps encrypted with a key only the deployer holds; copies off-site in Object Storage in hel1 (the default).
  backups: { retentionDays: 30, schedule: "daily", encryptionKey: { env: "HETZNER_PROD_BACKUP_KEY" } },
  network: { cidr: "10.10.0.0/16", adminCidrs: ["198.51.100.0/24"] },
  sshKeys: ["ops"],
  // The project's images (npm run images), on the servers before a deploy: README "The Hetzner target".
  images: { postgres: localImages.postgres, proxy: localImages.proxy, backup: localImages.backup },
  protect: true,
  // Its own state bucket, in a Hetzner project of its own: a project's Object Storage keys reach every bucket in
  // it, so the keys a prod plan holds must not reach another environment's state (README "What a pull request can reach").
  state: { backend: "hetzner-object-storage", bucket: "acme-prod-tfstate", location: "fsn1", key: "hetzner-prod/terraform.tfstate" },
});
