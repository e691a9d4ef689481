import { Construct } from "constructs";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { GcpEnvironment } from "../../lib/environment";

/** Credentials come from the environment (GOOGLE_OAUTH_ACCESS_TOKEN, GOOGLE_APPLICATION_CREDENTIALS or workload identity). */
export function gcpProviders(scope: Construct, env: GcpEnvironment): void {
  new GoogleProvider(scope, "google", {
    project: env.project,
    region: env.location,
    defaultLabels: { environment: env.name, managed_by: "portable-backend" },
  });
}
