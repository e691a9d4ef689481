import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { Environment } from "../lib/environment";
import { BackendParts } from "./parts";

/**
 * The backend, the same on every target: network/firewall, database, bucket, service, DNS, backups,
 * composed through the target's parts. Every target exposes the same outputs.
 */
export class Backend extends Construct {
  constructor(scope: Construct, id: string, env: Environment, parts: BackendParts<Environment, unknown>) {
    super(scope, id);
    if (Object.keys(env.service.secrets).length > 0) {
      // Declared in the schema so files can name them; no target passes them to the app yet.
      throw new Error(`${env.file}: service.secrets is not wired to the ${env.provider} target yet; remove it or pass the values another way`);
    }
    const net = parts.network(this, env);
    const db = parts.database(this, env, net);
    const bucket = parts.bucket(this, env, net);
    const service = parts.service(this, env, { net, db, bucket });
    parts.dns(this, env, service);
    const backups = parts.backups(this, env, { net, db, bucket });

    new TerraformOutput(this, "service_url", { value: service.url, description: "Where users reach the service" });
    new TerraformOutput(this, "database_host", { value: `${db.host}:${db.port}`, description: "Postgres, on the private network only" });
    new TerraformOutput(this, "bucket_name", { value: bucket.name });
    new TerraformOutput(this, "bucket_endpoint", { value: bucket.endpoint, description: "S3 endpoint, as the app reaches it" });
    new TerraformOutput(this, "backup_location", { value: backups.location });
  }
}
