import { localImages } from "../images/catalog";
import { defineEnvironment } from "../lib/environment";

// The same Docker backend on a rented VPS (a Hetzner cx22 in Falkenstein), driven over ssh:
// Terraform talks to the remote engine through `ssh deploy@…` using your ssh agent.
// Build the images on the VPS first: DOCKER_HOST=ssh://deploy@203.0.113.10 npm run images
export default defineEnvironment({
  provider: "docker",
  residency: "eu",
  location: "de",
  // monthlyEur: what the VPS is rented for (npm run cost prices it; here a Hetzner cx23 with its IPv4).
  host: { url: "ssh://deploy@203.0.113.10", bindAddress: "0.0.0.0", publicIpv4: "203.0.113.10", domain: "api.example.de", monthlyEur: 5.99 },
  service: { image: localImages.app, replicas: 2, healthPath: "/healthz" },
  images: { postgres: localImages.postgres, objectStore: localImages.objectstore, proxy: localImages.proxy, backup: localImages.backup },
  database: { postgres: 17 },
  bucket: { versioning: false },
  dns: { provider: "hetzner", zone: "example.de", record: "api" },
  // Without an off-site copy the backups would share the VPS's fate: they also go, encrypted, to
  // Object Storage in Helsinki, with the dumps' key and the store's keys in the deployer's variables.
  backups: {
    retentionDays: 14,
    schedule: "daily",
    encryptionKey: { env: "VPS_BACKUP_KEY" },
    offsite: {
      endpoint: "https://hel1.your-objectstorage.com",
      bucket: "example-vps-offsite",
      location: "hel1",
      accessKeyId: { env: "VPS_OFFSITE_ACCESS_KEY_ID" },
      secretAccessKey: { env: "VPS_OFFSITE_SECRET_ACCESS_KEY" },
    },
  },
  protect: true,
  // State (it holds the generated passwords) in a private, versioned Hetzner Object Storage bucket.
  state: { backend: "hetzner-object-storage", bucket: "example-tfstate", location: "fsn1", key: "vps/terraform.tfstate" },
});
