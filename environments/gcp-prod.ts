import { defineEnvironment } from "../lib/environment";

export default defineEnvironment({
  provider: "gcp",
  residency: "eu",
  project: "acme-prod-4711",
  location: "europe-west3",
  service: { image: "europe-west3-docker.pkg.dev/acme-prod-4711/apps/api:1.4.2", replicas: 2, healthPath: "/healthz" },
  database: { size: "db-custom-1-3840", storageGb: 20, postgres: 17, availability: "REGIONAL" },
  bucket: { versioning: true, location: "EU" },
  // Set this zone's name servers and DS record (outputs dns_name_servers, dns_ds_record) at acme.eu's registrar.
  // gcp-staging's staging.acme.eu is delegated from here once it exists: add its outputs as
  // delegations: { staging: { nameServers: [...], ds: [...] } } (README "DNS and HTTPS after the first apply").
  dns: { provider: "gcp", zone: "acme.eu", record: "api" },
  // Cloud SQL's backups in the EU multi-region (they outlive europe-west3), the bucket copied daily to a bucket there.
  backups: { retentionDays: 30, schedule: "daily", offsite: { location: "EU" } },
  // Keyless GitHub Actions (README "Pull-request plans, drift detection and deploys"); the ids are what the
  // trust condition checks: gh api repos/acme/backend --jq .id,.owner.id
  ci: { githubRepository: "acme/backend", githubRepositoryId: "812345670", githubRepositoryOwnerId: "98765432" },
  protect: true,
  state: { backend: "gcs", bucket: "acme-prod-tfstate", location: "europe-west3", prefix: "gcp-prod" },
});
