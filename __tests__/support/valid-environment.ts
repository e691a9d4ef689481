/** The smallest valid environment file's data (Hetzner, local state): tests change one field of it at a time. */
export const VALID_HETZNER = {
  provider: "hetzner", residency: "eu", location: "fsn1",
  service: { image: "ghcr.io/acme/api:1.4.2", size: "cx23" },
  database: { size: "cx23", postgres: 17 },
  // On Hetzner the dumps leave the servers (Object Storage, off-site): encrypted with the deployer's key.
  backups: { retentionDays: 7, encryptionKey: { env: "BACKUP_ENCRYPTION_KEY" } },
  // What the servers pull (from the team's registry): the backend's own images, built by `npm run images`.
  images: { postgres: "ghcr.io/acme/postgres:17", proxy: "ghcr.io/acme/proxy:2.8", backup: "ghcr.io/acme/backup:1" },
  state: { backend: "local" },
};
