import { Construct } from "constructs";
import { Fn, ITerraformDependable } from "cdktf";
import { CONTRACT_VARIABLES } from "../../lib/environment/app";
import { AppEnvironment } from "../app-environment";
import { GcpNetwork } from "./network";
import { regionalSecret } from "./secret";
import type { GcpWorker } from "./workers";

/** A container's environment as Cloud Run takes it: plain values, and secrets by reference. */
type EnvEntry = { name: string; value?: string; valueSource?: { secretKeyRef: { secret: string; version: string } } };

export interface GcpAppProps {
  /** Prefix of its secrets' ids (`<name>-database-url`, `<name>-app-<NAME>`): the environment's name. */
  readonly name: string;
  /** The region its secrets are kept in. */
  readonly location: string;
  /** The way into the VPC (its subnet) and the identity it runs as (its runtime account). */
  readonly network: GcpNetwork;
  /** The app's image (`service.image`). */
  readonly image: string;
  /** The variables it receives (app-environment.ts): secret ones go through Secret Manager. */
  readonly variables: AppEnvironment;
  /**
   * CPUs of each instance (Cloud Run's limit).
   * @default "1"
   */
  readonly cpu?: string;
  /**
   * Memory of each instance (Cloud Run's limit).
   * @default "512Mi"
   */
  readonly memory?: string;
  /**
   * Labels of its secrets.
   * @default none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/** What makes up a release besides the image and the variables: a change in any runs the release command again. */
export interface GcpReleaseContents {
  /** The service's command (undefined: the image's own). */
  readonly command?: readonly string[];
  /** The release command (none: there is no release job). */
  readonly release?: { readonly command: readonly string[] };
  /** The workers, by name. */
  readonly workers: Readonly<Record<string, GcpWorker>>;
}

/**
 * What the service, its workers and its release job have in common: the image, the size of an instance,
 * the app's variables (its secrets in Secret Manager, in the region, readable by the service account
 * only, each reference pinned to the version holding the current value, so a new value rolls out as a
 * new revision), the service account and the private way into the VPC.
 */
export class GcpApp extends Construct {
  readonly image: string;
  readonly serviceAccount: string;
  readonly vpcAccess;
  /** What Cloud Run checks when it deploys: the secrets' values and the service account's access to them. */
  readonly readable: ITerraformDependable[];
  private readonly env: EnvEntry[];
  private readonly resources: { cpu: string; memory: string };

  constructor(scope: Construct, id: string, props: GcpAppProps) {
    super(scope, id);
    const net = props.network;
    this.image = props.image;
    this.resources = { cpu: props.cpu ?? "1", memory: props.memory ?? "512Mi" };
    this.serviceAccount = net.runtimeAccount.email;
    this.vpcAccess = { networkInterfaces: [{ network: net.network.id, subnetwork: net.subnet.id }], egress: "PRIVATE_RANGES_ONLY" };
    const where = { name: props.name, location: props.location, readers: [net.runtimeAccount.member], labels: props.labels };
    const secrets = Object.entries(props.variables.secret).map(([name, value]) => ({ name, secret: regionalSecret(this, secretId(name), { ...where, value }) }));
    this.readable = secrets.flatMap((s) => s.secret.readable);
    this.env = [
      ...Object.entries(props.variables.plain).map(([name, value]) => ({ name, value })),
      ...secrets.map(({ name, secret }) => ({ name, valueSource: { secretKeyRef: { secret: secret.secret.secretId, version: secret.version.version } } })),
    ].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** A container running `args` (the image's command when undefined) with the app's variables; Cloud Run sets PORT itself. */
  container(args: readonly string[] | undefined) {
    return { image: this.image, args: args ? [...args] : undefined, env: this.env, resources: { limits: { ...this.resources } } };
  }

  /**
   * Changes whenever anything a release is made of does (image, commands, configuration, secret
   * versions): the release job runs once for each value. Secret values are not in it, only their versions.
   */
  releaseToken({ command, release, workers }: GcpReleaseContents): string {
    return Fn.substr(Fn.sha256(Fn.jsonencode({ image: this.image, command, release, workers, env: this.env })), 0, 16);
  }
}

/** The secret's id suffix: the backend's own keep their readable names (database-url), the app's are app-<NAME>. */
function secretId(name: string): string {
  return (CONTRACT_VARIABLES as readonly string[]).includes(name) ? name.toLowerCase().replace(/_/g, "-") : `app-${name}`;
}
