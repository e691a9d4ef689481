import { GcpEnvironment } from "../../lib/environment";
import type { Target } from "../targets";
import { GcpBootstrapStack } from "./bootstrap-stack";
import { gcpParts, gcpProviders } from ".";

/** Google Cloud: Cloud Run, Cloud SQL, Memorystore, GCS. Its schema is lib/environment/schema.ts's gcpEnvironment, its locations lib/residency/gcp.ts. */
export const gcpTarget: Target<GcpEnvironment> = {
  provider: "gcp", providers: gcpProviders, parts: gcpParts,
  bootstrap: (scope, env, options) => new GcpBootstrapStack(scope, env, options),
};
