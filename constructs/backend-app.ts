import { App } from "cdktf";
import { loadEnvironments, stateBucketCreators } from "../lib/environment";
import { BackendStack, bootstrapStack, enforceResidency, environmentStacks, pinProviderVersions } from "./backend-stack";

export interface BackendAppProps {
  /** Folder of environment files: one file per environment, one stack named after it (Hetzner: two, stacksOf). */
  readonly environmentsDir: string;
  /** Adds project-specific resources to an environment's backend stack (on Hetzner, its containers' stack); they are held to the same residency policy. */
  readonly extend?: (stack: BackendStack) => void;
}

/**
 * The app `cdktf synth` runs. Every environment file is validated, and the residency policy checked
 * over every stack, before `synth()` writes anything to cdktf.out.
 */
export function createBackendApp(props: BackendAppProps): App {
  const environments = loadEnvironments(props.environmentsDir);
  const app = new App();
  const stacks = environments.flatMap((env) => environmentStacks(app, env));
  for (const stack of stacks) if (stack instanceof BackendStack) props.extend?.(stack);
  // Synthesized with the others (so `cdktf plan <env>-bootstrap` works), never among the stacks CI runs.
  const bucketCreators = stateBucketCreators(environments);
  stacks.push(...environments.flatMap((env) => bootstrapStack(app, env, bucketCreators) ?? []));
  // Before anything is written: a provider the mirror does not build fails here, not after the
  // stacks before it were written. BackendStack pins again as it writes, for constructs added later.
  for (const stack of stacks) pinProviderVersions(stack);
  enforceResidency(stacks);
  return app;
}
