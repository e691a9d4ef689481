import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { Environment } from "../lib/environment";
import { appEnvironment } from "./app-environment";
import { BackendParts } from "./parts";

/**
 * The backend, the same on every target: network/firewall, database, bucket, cache, service (the app,
 * its workers and its release command), DNS, backups, composed through the target's parts. A part the
 * environment turns off is not built, and neither is anything for it. Every target exposes the same
 * outputs; a missing part's say so.
 */
export class Backend extends Construct {
  constructor(scope: Construct, id: string, env: Environment, parts: BackendParts<Environment, unknown>) {
    super(scope, id);
    const net = parts.network(this, env);
    const db = env.database === false ? undefined : parts.database(this, env, net, env.database);
    const bucket = env.bucket === false ? undefined : parts.bucket(this, env, net, env.bucket);
    const cache = env.cache === undefined ? undefined : parts.cache(this, env, net, env.cache);
    const app = appEnvironment(this, env, { db, bucket, cache });
    const service = parts.service(this, env, { net, db, bucket, cache, app });
    parts.dns(this, env, service);
    let backupLocation = `none: ${env.file} has no database (database: false)`;
    if (db) {
      // The schema requires backups with a database; a caller building an Environment by hand may not have.
      if (!env.backups) throw new Error(`${env.file}: backups is required with a database`);
      backupLocation = parts.backups(this, env, { net, db, bucket }, env.backups).location;
    }

    const none = (field: string) => `none: ${env.file} has ${field}: false`;
    new TerraformOutput(this, "service_url", { value: service.url, description: "Where users reach the service" });
    new TerraformOutput(this, "database_host", { value: db ? `${db.host}:${db.port}` : none("database"), description: "Postgres, on the private network only" });
    new TerraformOutput(this, "cache_host", { value: cache ? `${cache.host}:${cache.port}` : `none: ${env.file} has no cache`, description: "Redis, on the private network only" });
    new TerraformOutput(this, "bucket_name", { value: bucket?.name ?? none("bucket") });
    new TerraformOutput(this, "bucket_endpoint", { value: bucket?.endpoint ?? none("bucket"), description: "S3 endpoint, as the app reaches it" });
    new TerraformOutput(this, "backup_location", { value: backupLocation });
  }
}
