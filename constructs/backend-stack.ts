import { Construct } from "constructs";
import { Environment, stacksOf } from "../lib/environment";
import { ExpectedError } from "../lib/errors";
import { EnvironmentStack } from "./environment-stack";
import { PortableBackend } from "./portable-backend";
import { describeViolation } from "./residency-aspect";
import { targetFor } from "./targets";

export { EnvironmentStack, pinProviderVersions } from "./environment-stack";

/** An environment file's backend: a PortableBackend in the last of the environment's stacks (stacksOf). */
export class BackendStack extends EnvironmentStack {
  readonly backend: PortableBackend;

  constructor(scope: Construct, env: Environment) {
    const own = stacksOf(env).at(-1)!;
    super(scope, env, own.name, own.part);
    this.backend = new PortableBackend(this, "app", { validated: env }); // "backend" is the state backend's id
  }
}

/**
 * Every stack of an environment, in deploy order: the ones its target puts before the backend's, then
 * that; each depends on the one before it, so `cdktf deploy` of them all applies them in that order.
 */
export function environmentStacks(scope: Construct, env: Environment): EnvironmentStack[] {
  const stacks = [...targetFor(env).before?.(scope, env) ?? [], new BackendStack(scope, env)];
  stacks.forEach((stack, i) => i > 0 && stack.addDependency(stacks[i - 1]));
  return stacks;
}

/**
 * The environment's bootstrap stack, if its target has one (targets.ts): applied once by a person,
 * before the stacks above, and never by CI. `bucketCreators`: stateBucketCreators of all the app's
 * environments, which tells which one creates a state bucket several share.
 */
export function bootstrapStack(scope: Construct, env: Environment, bucketCreators: ReadonlyMap<string, string>, localState = false): EnvironmentStack | undefined {
  const createStateBucket = env.state.backend !== "gcs" || bucketCreators.get(env.state.bucket) === env.name;
  return targetFor(env).bootstrap?.(scope, env, { localState, createStateBucket });
}

/** The residency policy refused something in the synthesized tree: each violation with path, attribute, value and why. */
export class ResidencyError extends ExpectedError {}

/**
 * Runs every stack's residency aspect before synthesis. cdktf invokes aspects stack by stack while
 * writing, so a violation in the third stack would otherwise leave the first two written.
 */
export function enforceResidency(stacks: readonly EnvironmentStack[]): void {
  for (const stack of stacks) {
    for (const node of stack.node.findAll()) stack.residency.visit(node);
  }
  const violations = stacks.flatMap((s) => s.residency.violations);
  if (violations.length > 0) {
    const lines = violations.map((v) => `  - ${describeViolation(v)}`);
    throw new ResidencyError(`Residency policy violated; nothing was synthesized:\n${lines.join("\n")}`);
  }
}
