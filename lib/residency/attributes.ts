/**
 * Which attributes of a Terraform block say where something is. Shared by the residency aspect (the
 * synthesized configuration) and the plan report (the values terraform plans), so both judge the same
 * attributes.
 */

/** Attribute names that say where something is. Matched anywhere in a block, at any depth. */
const LOCATION_KEY = /^(location|locations|region|regions|zone|zones|datacenter|network_zone|node_locations|endpoint|endpoints|minio_server|minio_region|[a-z0-9_]+_(location|locations|region|zone|zones))$/;
/** Names that look like places but are not: time zones, and DNS zones. */
const NOT_A_LOCATION = new Set(["time_zone", "timezone", "managed_zone", "zone_id", "zone_name", "dns_zone"]);
/** In DNS resources `zone` names a DNS zone, not a place. */
const DNS_TYPE = /(^|_)(dns|rrset|zone|record)(_|$)/;

/** Whether `key`, an attribute of a `resourceType` block, names a place. */
function isLocationKey(key: string, resourceType: string): boolean {
  return LOCATION_KEY.test(key) && !NOT_A_LOCATION.has(key) && !(key === "zone" && DNS_TYPE.test(resourceType));
}

/**
 * Every string under a location attribute of `block`, at any depth, as [attribute path, value]; paths
 * look like `settings[0].location_preference[0].zone`. Callers decide what a value is: the aspect skips
 * references (`${...}`), the plan report values known only after apply.
 */
export function locationAttributes(block: unknown, resourceType: string): Generator<[string, string]> {
  return walk(block, resourceType, "");
}

function* walk(block: unknown, resourceType: string, path: string): Generator<[string, string]> {
  if (Array.isArray(block)) {
    for (const [i, v] of block.entries()) yield* walk(v, resourceType, `${path}[${i}]`);
    return;
  }
  if (block === null || typeof block !== "object") return;
  for (const [key, v] of Object.entries(block)) {
    const attribute = path ? `${path}.${key}` : key;
    if (isLocationKey(key, resourceType)) yield* strings(v, attribute);
    else yield* walk(v, resourceType, attribute);
  }
}

function* strings(value: unknown, path: string): Generator<[string, string]> {
  if (typeof value === "string") yield [path, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, `${path}[${i}]`);
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) yield* strings(v, `${path}.${k}`);
}
