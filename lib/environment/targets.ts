import { z } from "zod";
import { ProviderLocations, registerLocationTable } from "../residency";
import { PROVIDERS } from "./schema";
import { Problem } from "./problems";

/**
 * What loading and checking an environment file needs to know of a target registered from outside the
 * core (constructs/targets.ts, registerTarget, adds what it builds). The built-in targets' schemas are in
 * schema.ts, where they make the `Environment` type.
 */
export interface TargetSettings {
  /** The environment's `provider` value. */
  readonly provider: string;
  /**
   * Its environment file's schema: a strict object of `provider: z.literal(provider)`, commonFields
   * (schema.ts), its own fields and its `state` (e.g. `z.discriminatedUnion("backend", [localState])`).
   */
  readonly schema: z.ZodObject;
  /** Where it can put things, judged by the residency policy: `location` is checked against it. */
  readonly locations: ProviderLocations;
  /** Checks across fields that the schema cannot make, on the file's data as written. Default: none. */
  readonly problems?: (raw: unknown) => Problem[];
}

const registered = new Map<string, TargetSettings>();

export function registerTargetSettings(target: TargetSettings): void {
  if ((PROVIDERS as readonly string[]).includes(target.provider) || registered.has(target.provider)) {
    throw new Error(`a target named "${target.provider}" is registered already`);
  }
  registerLocationTable(target.locations);
  registered.set(target.provider, target);
}

/** A registered target's settings, by an environment's `provider`; undefined for the built-in ones. */
export const registeredTarget = (provider: unknown): TargetSettings | undefined =>
  typeof provider === "string" ? registered.get(provider) : undefined;

/** Every provider an environment may name: the built-in ones and the registered ones. */
export const knownProviders = (): string[] => [...PROVIDERS, ...registered.keys()];
