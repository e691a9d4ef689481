import { Construct } from "constructs";
import { Fn, ITerraformDependable } from "cdktf";
import { GcpEnvironment } from "../../lib/environment";
import { CONTRACT_VARIABLES } from "../../lib/environment/app";
import { AppEnvironment } from "../app-environment";
import { GcpNetwork } from "./network";
import { regionalSecret } from "./secret";

/** A container's environment as Cloud Run takes it: plain values, and secrets by reference. */
type EnvEntry = { name: string; value?: string; valueSource?: { secretKeyRef: { secret: string; version: string } } };

/**
 * What the service, its workers and its release job have in common: the image, the app's variables
 * (its secrets in Secret Manager, in the region, readable by the service account only, each reference
 * pinned to the version holding the current value, so a new value rolls out as a new revision), the
 * service account and the private way into the VPC.
 */
export class GcpApp extends Construct {
  readonly image: string;
  readonly serviceAccount: string;
  readonly vpcAccess;
  /** What Cloud Run checks when it deploys: the secrets' values and the service account's access to them. */
  readonly readable: ITerraformDependable[];
  private readonly env: EnvEntry[];

  constructor(scope: Construct, id: string, env: GcpEnvironment, net: GcpNetwork, app: AppEnvironment) {
    super(scope, id);
    this.image = env.service.image;
    this.serviceAccount = net.runtimeAccount.email;
    this.vpcAccess = { networkInterfaces: [{ network: net.network.id, subnetwork: net.subnet.id }], egress: "PRIVATE_RANGES_ONLY" };
    const reader = [net.runtimeAccount.member];
    const secrets = Object.entries(app.secret).map(([name, value]) => ({ name, secret: regionalSecret(this, secretId(name), env, value, reader) }));
    this.readable = secrets.flatMap((s) => s.secret.readable);
    this.env = [
      ...Object.entries(app.plain).map(([name, value]) => ({ name, value })),
      ...secrets.map(({ name, secret }) => ({ name, valueSource: { secretKeyRef: { secret: secret.secret.secretId, version: secret.version.version } } })),
    ].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** A container running `args` (the image's command when undefined) with the app's variables; Cloud Run sets PORT itself. */
  container(args: readonly string[] | undefined, resources: { cpu: string; memory: string }) {
    return { image: this.image, args: args ? [...args] : undefined, env: this.env, resources: { limits: { ...resources } } };
  }

  /**
   * Changes whenever anything a release is made of does (image, commands, configuration, secret
   * versions): the release job runs once for each value. Secret values are not in it, only their versions.
   */
  releaseToken(env: GcpEnvironment): string {
    const { image, command, release } = env.service;
    return Fn.substr(Fn.sha256(Fn.jsonencode({ image, command, release, workers: env.workers, env: this.env })), 0, 16);
  }
}

/** The secret's id suffix: the backend's own keep their readable names (database-url), the app's are app-<NAME>. */
function secretId(name: string): string {
  return (CONTRACT_VARIABLES as readonly string[]).includes(name) ? name.toLowerCase().replace(/_/g, "-") : `app-${name}`;
}
