import { Environment } from "./schema";
import { Problem } from "./problems";
import { stateAddress, stacksOf } from "./state";

/**
 * What only shows across environment files: two stacks sharing one state (each apply would overwrite
 * the other's, and destroy the other's resources), one state bucket named at two locations (a bucket
 * is in one), and one DNS zone created by two stacks (a domain is delegated to one zone; destroying the
 * other stack would delete it). Each problem is reported on the later file, naming the earlier one.
 */
export function sharedProblems(environments: readonly Environment[]): Map<string, Problem[]> {
  const problems = new Map<string, Problem[]>();
  const report = (env: Environment, problem: Problem) => problems.set(env.file, [...(problems.get(env.file) ?? []), problem]);
  const first = <T>(seen: Map<T, Environment>, key: T, env: Environment) => {
    const earlier = seen.get(key);
    if (!earlier) seen.set(key, env);
    return earlier;
  };

  const states = new Map<string, Environment>();
  const buckets = new Map<string, Environment>();
  const zones = new Map<string, Environment>();
  for (const env of environments) {
    // A Google Cloud environment's bootstrap keeps a state of its own too (bootstrapStackName).
    const parts = [...stacksOf(env).map((stack) => stack.part), ...(env.provider === "gcp" ? ["bootstrap" as const] : [])];
    const [address, ...others] = parts.map((part) => stateAddress(env, part));
    for (const other of others) first(states, other, env);
    const sharing = first(states, address, env);
    if (sharing) {
      report(env, { field: "state", value: address, message: `the same state as ${sharing.file}: the two stacks would overwrite each other's state; give each its own ${env.state.backend === "local" ? "path" : env.state.backend === "gcs" ? "prefix" : "key"}` });
    }
    if (env.state.backend !== "local") {
      const bucket = `${env.state.backend}:${env.state.bucket}`;
      const other = first(buckets, bucket, env);
      if (other && other.state.backend !== "local" && other.state.location !== env.state.location) {
        report(env, { field: "state.location", value: env.state.location, message: `${other.file} has state bucket "${env.state.bucket}" in ${other.state.location}: a bucket is in one location` });
      }
    }
    if (env.dns?.createZone) {
      const owner = first(zones, env.dns.zone.toLowerCase(), env);
      if (owner) {
        report(env, { field: "dns.createZone", value: true, message: `${owner.file} creates zone "${env.dns.zone}" already, and a domain is delegated to one zone: set createZone: false to put the records in that zone, or use a zone of its own (a subdomain delegated from it)` });
      }
    }
  }
  return problems;
}
