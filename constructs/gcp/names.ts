import { Construct } from "constructs";
import { Id as RandomId } from "@cdktf/provider-random/lib/id";
import { GcpEnvironment } from "../../lib/environment";

/**
 * The identity the service, its workers and its release job run as. The bootstrap creates it
 * (bootstrap-stack.ts), so the deploy identity needs no right to create service accounts, only to act
 * as this one; the backend's stack names it by its address.
 */
export function runtimeAccount(env: Pick<GcpEnvironment, "name" | "project">): { accountId: string; email: string; member: string } {
  const accountId = `${env.name}-run`.slice(0, 30);
  const email = `${accountId}@${env.project}.iam.gserviceaccount.com`;
  return { accountId, email, member: `serviceAccount:${email}` };
}

/**
 * A suffix, made once per environment, for the names Google keeps reserved after a delete: a Cloud SQL
 * instance's for up to a week, a log bucket's for 7 days, and a Direct VPC egress subnet stays in use
 * (so its network too) for 1-2 hours after the service using it is gone. With it, destroying an
 * environment and creating it again never waits for Google to release a name: the new one has a new suffix.
 */
export function reservedNameSuffix(scope: Construct): string {
  return new RandomId(scope, "name-suffix", { byteLength: 2 }).hex;
}
