import { App, LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import { PortableBackend } from "portable-backend";

/**
 * A team's own stack: its state where it keeps its states, the backend of its API on this machine's Docker
 * Engine, and a resource of its own beside it — a volume for uploads that a later release will mount.
 */
class ApiStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new LocalBackend(this, { path: `terraform.${id}.tfstate` });

    const api = new PortableBackend(this, "api", {
      provider: "docker",
      residency: "eu",
      location: "de",
      host: { url: "unix:///var/run/docker.sock", httpPort: 8090 },
      images: {
        postgres: "portable-backend/postgres:17",
        objectStore: "portable-backend/objectstore:versitygw-1.8.0",
        proxy: "portable-backend/caddy:2.11.9",
        backup: "portable-backend/backup:0.2.0",
        cache: "portable-backend/redis:7",
      },
      service: { image: "portable-backend/app:0.1.0", replicas: 2, env: { LOG_LEVEL: "info" } },
      workers: { mailer: { command: ["python3", "-m", "app.worker"] } },
      database: { storageGb: 20 },
      cache: {},
      backups: { retentionDays: 14 },
    });

    // The docker provider is the backend's (one per stack): the team's own Docker resources use it too.
    new Volume(this, "uploads", { name: "api-uploads" });
    new TerraformOutput(this, "api_url", { value: api.serviceUrl });
    new TerraformOutput(this, "api_database", { value: `${api.database?.host}:${api.database?.port}` });
  }
}

const app = new App();
new ApiStack(app, "api");
app.synth();
