import { Construct } from "constructs";
import { TerraformLocal } from "cdktf";
import { Password } from "@cdktf/provider-random/lib/password";
import { z } from "zod";
import { commonFields, localState, registerTarget, type ProviderLocations, type Target, type TargetSettings } from "../../../targets";

/*
 * A fourth target, written as a team outside the core would: one folder, imports from the package's
 * `targets` entry only, and one registerTarget call. "Toy Cloud" keeps everything in Terraform locals and
 * random values, so it synthesizes and validates without a provider of its own.
 */

const toyEnvironment = z.strictObject({
  provider: z.literal("toy"),
  ...commonFields,
  /** Its own field: how big its machines are. */
  plan: z.enum(["small", "large"]).default("small"),
  state: z.discriminatedUnion("backend", [localState]),
});
type ToyEnvironment = z.output<typeof toyEnvironment> & { readonly name: string; readonly file: string };

/** Where Toy Cloud has data centres: one in the EU, one outside, which the EU policy refuses. */
const toyLocations: ProviderLocations = {
  provider: "toy",
  terraformProviders: [],
  headquarters: "DE",
  locations: [
    { id: "toy-fra", kind: "location", name: "Frankfurt", countries: ["DE"] },
    { id: "toy-nyc", kind: "location", name: "New York", countries: ["US"] },
  ],
  environmentKinds: ["location"],
  resolve: (value) => toyLocations.locations.find((l) => l.id === value),
};

/** A stand-in for a machine: its address as a local. */
const machine = (scope: Construct, id: string, env: ToyEnvironment) =>
  new TerraformLocal(scope, id, `${env.name}-${id}.${env.plan}.${env.location}.toy.example`).asString;

const toyTarget: Target<ToyEnvironment> & TargetSettings = {
  provider: "toy",
  schema: toyEnvironment,
  locations: toyLocations,
  problems: (raw) => (raw as { plan?: string }).plan === "large" && (raw as { cache?: unknown }).cache === undefined
    ? [{ field: "plan", value: "large", message: "a large plan comes with a cache: add cache: {}" }] : [],
  providers: () => undefined,
  parts: {
    network: (scope, env) => machine(scope, "network", env),
    database: (scope, env) => ({
      host: machine(scope, "database", env), port: 5432, database: "app", user: "app", sslmode: "require",
      password: new Password(scope, "database-password", { length: 32, special: false }).result,
    }),
    bucket: (_scope, env) => ({ name: `${env.name}-data`, endpoint: "https://s3.toy-fra.toy.example", region: env.location, accessKeyId: "toy", secretAccessKey: "toy" }),
    cache: (scope, env) => ({ host: machine(scope, "cache", env), port: 6379, password: "toy", tls: true }),
    service: (scope, env, { variables }) => {
      new TerraformLocal(scope, "app-variables", Object.keys({ ...variables.plain, ...variables.secret }).sort());
      return { url: `https://${machine(scope, "service", env)}`, publicIpv4: [], publicIpv6: [] };
    },
    dns: () => undefined,
    backups: (_scope, env) => ({ location: `toy snapshots in ${env.location}` }),
  },
};

export const registerToyTarget = () => registerTarget(toyTarget);
