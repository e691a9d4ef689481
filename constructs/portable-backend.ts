import { Construct } from "constructs";
import { Aspects, TerraformOutput, TerraformStack } from "cdktf";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { Environment, EnvironmentInput, stacksOf, validateEnvironment } from "../lib/environment";
import { RESIDENCY_POLICIES } from "../lib/residency";
import { appEnvironment } from "./app-environment";
import { EnvironmentStack, pinProviders, providersOf } from "./environment-stack";
import { BackendParts, BucketEndpoint, CacheEndpoint, DatabaseEndpoint } from "./parts";
import { describeViolation, ResidencyAspect } from "./residency-aspect";
import { targetFor } from "./targets";

/** What an environment file says, with `state` left out (the stack's state is its own). */
type WithoutState<T> = T extends unknown ? Omit<T, "state"> & { readonly state?: T extends { state?: infer S } ? S : never } : never;

/**
 * The props of a PortableBackend: exactly what an environment file says (README "Environment files"),
 * validated by the same schema, with the same defaults and messages, plus:
 * - `name`: prefixes the names of what it creates (containers, volumes, buckets, Cloud Run services).
 *   @default the construct's id
 * - `state`: where the stacks it adds beside yours keep their state (Hetzner's machines' stack); your
 *   stack's state is your stack's. @default { backend: "local" }
 */
export type PortableBackendProps = WithoutState<EnvironmentInput> & { readonly name?: string };

/** An environment validated already (an environment file's, as BackendStack passes it), instead of props. */
export interface ValidatedEnvironment {
  readonly validated: Environment;
}

/**
 * The backend, the same on every target: network/firewall, database, bucket, cache, service (the app,
 * its workers and its release command), DNS and backups, built from its target's parts (targets.ts).
 * A part the props turn off (`database: false`, `bucket: false`, no `cache`) is not built, and neither is
 * anything for it.
 *
 * In a stack of your own it adds what it needs: its target's providers (at the stack, where Terraform
 * keeps them; they must be the stack's only ones of their types) pinned to the builds the offline mirror
 * holds, a random provider unless the stack has one, the stacks its target needs before yours (Hetzner's
 * machines), and the residency policy of `props.residency` over everything inside it, which fails synth
 * with each violation.
 *
 * @example
 *   const api = new PortableBackend(stack, "api", { provider: "docker", residency: "eu", location: "de", ... });
 *   new TerraformOutput(stack, "url", { value: api.serviceUrl });
 */
export class PortableBackend extends Construct {
  /** The validated settings, every default filled in. */
  readonly environment: Environment;
  /** Where users reach the service. */
  readonly serviceUrl: string;
  /** Postgres, on the private network only; undefined with `database: false`. Its password is a sensitive reference. */
  readonly database?: DatabaseEndpoint;
  /** The app's bucket and the S3 endpoint and keys to it; undefined with `bucket: false`. */
  readonly bucket?: BucketEndpoint;
  /** Redis, on the private network only; undefined without `cache`. */
  readonly cache?: CacheEndpoint;
  /** Where the backups go, in words (a bucket, Cloud SQL's backups), or why there are none. */
  readonly backupLocation: string;
  /** The stacks its target deploys before the one it is in (Hetzner's machines), which that stack depends on. */
  readonly stacksBefore: readonly EnvironmentStack[];

  /** @param props what an environment file says (invalid props throw an EnvironmentError naming each field), or an environment validated already */
  constructor(scope: Construct, id: string, props: PortableBackendProps | ValidatedEnvironment) {
    super(scope, id);
    const env = "validated" in props ? props.validated : validateProps(this, props);
    this.environment = env;
    const stack = TerraformStack.of(this);
    const ownStack = stack instanceof EnvironmentStack && stack.environment === env;
    if (!ownStack) this.enforceResidency(env);

    const target = targetFor(env);
    const providersBefore = new Set(providersOf(stack));
    this.stacksBefore = stacksBefore(stack, env);
    this.stacksBefore.forEach((b) => stack.addDependency(b));
    target.providers(stack, env);
    // Passwords and keys are generated at apply time, never written in code.
    if (!providersOf(stack).some((p) => p.terraformResourceType === "random")) new RandomProvider(stack, "random");
    if (!ownStack) pinProviders(stack, providersOf(stack).filter((p) => !providersBefore.has(p)));
    this.node.addValidation({ validate: () => duplicateProviders(stack) });

    const parts = target.parts as BackendParts<Environment, unknown>;
    const network = parts.network(this, env);
    const db = env.database === false ? undefined : parts.database(this, env, network, env.database);
    const bucket = env.bucket === false ? undefined : parts.bucket(this, env, network, env.bucket);
    const cache = env.cache === undefined ? undefined : parts.cache(this, env, network, env.cache);
    const variables = appEnvironment(this, env, { db, bucket, cache });
    const service = parts.service(this, env, { network, db, bucket, cache, variables });
    parts.dns(this, env, service);
    let backupLocation = `none: ${env.file} has no database (database: false)`;
    if (db) {
      // The schema requires backups with a database; a caller building an Environment by hand may not have.
      if (!env.backups) throw new Error(`${env.file}: backups is required with a database`);
      backupLocation = parts.backups(this, env, { network, db, bucket }, env.backups).location;
    }
    this.serviceUrl = service.url;
    this.database = db;
    this.bucket = bucket;
    this.cache = cache;
    this.backupLocation = backupLocation;

    // Every target exposes the same outputs; a missing part's say so.
    const none = (field: string) => `none: ${env.file} has ${field}: false`;
    new TerraformOutput(this, "service_url", { value: service.url, description: "Where users reach the service" });
    new TerraformOutput(this, "database_host", { value: db ? `${db.host}:${db.port}` : none("database"), description: "Postgres, on the private network only" });
    new TerraformOutput(this, "cache_host", { value: cache ? `${cache.host}:${cache.port}` : `none: ${env.file} has no cache`, description: "Redis, on the private network only" });
    new TerraformOutput(this, "bucket_name", { value: bucket?.name ?? none("bucket") });
    new TerraformOutput(this, "bucket_endpoint", { value: bucket?.endpoint ?? none("bucket"), description: "S3 endpoint, as the app reaches it" });
    new TerraformOutput(this, "backup_location", { value: backupLocation });
  }

  /** The residency policy over this construct's subtree, its violations failing synth (in an EnvironmentStack, the stack's does it). */
  private enforceResidency(env: Environment): void {
    const residency = new ResidencyAspect(RESIDENCY_POLICIES[env.residency]);
    Aspects.of(this).add(residency);
    this.node.addValidation({
      validate: () => residency.violations.map((v) => `residency policy "${residency.policy.name}": ${describeViolation(v)}`),
    });
  }
}

/** Validates props as an environment file's: messages name the construct's path instead of a file. */
function validateProps(backend: PortableBackend, props: PortableBackendProps): Environment {
  const { name, ...settings } = props;
  const raw = { state: { backend: "local" }, ...settings };
  return validateEnvironment(raw, `PortableBackend ${backend.node.path}`, name ?? backend.node.id);
}

/**
 * The stacks the target puts before `stack`, in the app: the ones stacksOf names there, if the app made
 * them already (createBackendApp), else made here.
 */
function stacksBefore(stack: TerraformStack, env: Environment): EnvironmentStack[] {
  const target = targetFor(env);
  if (!target.before) return [];
  const app = stack.node.scope!;
  const made = stacksOf(env).slice(0, -1).map((s) => app.node.tryFindChild(s.name));
  return made.every((s) => s instanceof EnvironmentStack && s.environment === env) ? made as EnvironmentStack[] : target.before(app, env);
}

/** Terraform allows one default (unaliased) provider configuration per type in a module. */
function duplicateProviders(stack: TerraformStack): string[] {
  const byType = new Map<string, string[]>();
  for (const p of providersOf(stack).filter((p) => !p.alias)) byType.set(p.terraformResourceType, [...byType.get(p.terraformResourceType) ?? [], p.node.path]);
  return [...byType].filter(([, paths]) => paths.length > 1).map(([type, paths]) =>
    `stack ${stack.node.id} has ${paths.length} "${type}" providers (${paths.join(", ")}): a PortableBackend adds the one it needs; use it for your own resources of that type, or give yours an alias`);
}
