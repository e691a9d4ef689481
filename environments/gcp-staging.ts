import { defineEnvironment } from "../lib/environment";

export default defineEnvironment({
  provider: "gcp",
  residency: "eu",
  project: "acme-staging-4711",
  location: "europe-west3",
  service: { image: "europe-west3-docker.pkg.dev/acme-staging-4711/apps/api:1.4.2", replicas: 1, healthPath: "/healthz" },
  database: { size: "db-custom-1-3840", storageGb: 10, postgres: 17 },
  bucket: { versioning: true, location: "EU" },
  // A zone of its own in this project, delegated from gcp-prod's acme.eu: after the first apply, copy this stack's
  // dns_name_servers and dns_ds_record outputs into gcp-prod's dns.delegations.staging (README "DNS and HTTPS").
  dns: { provider: "gcp", zone: "staging.acme.eu", record: "api" },
  backups: { retentionDays: 7, schedule: "daily" },
  // Keyless GitHub Actions (README "Pull-request plans, drift detection and deploys"); the ids are what the
  // trust condition checks: gh api repos/acme/backend --jq .id,.owner.id
  ci: { githubRepository: "acme/backend", githubRepositoryId: "812345670", githubRepositoryOwnerId: "98765432" },
  protect: false,
  state: { backend: "gcs", bucket: "acme-staging-tfstate", location: "europe-west3", prefix: "gcp-staging" },
});
