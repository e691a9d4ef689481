/** The smallest valid environment file's data (Hetzner, local state): tests change one field of it at a time. */
export const VALID_HETZNER = {
  provider: "hetzner", residency: "eu", location: "fsn1",
  service: { image: "ghcr.io/acme/api:1.4.2", size: "cx23" },
  database: { size: "cx23", postgres: 15 },
  backups: { retentionDays: 7 },
  state: { backend: "local" },
};
