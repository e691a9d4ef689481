/**
 * The outputs of a Hetzner environment's machines' stack that its containers' stack reads (by name, from
 * its state): per server, its Docker engine's ssh URL and the known_hosts line pinning it; where users
 * reach the service; where the buckets are (the off-site one too). Stand-ins for the machines (the tests') give the same outputs.
 */
export const MACHINE_OUTPUTS = {
  ssh: (host: string) => `${host.replace(/-/g, "_")}_ssh`,
  knownHosts: (host: string) => `${host.replace(/-/g, "_")}_known_hosts`,
  serviceUrl: "service_url",
  objectStorageEndpoint: "object_storage_endpoint",
  objectStorageRegion: "object_storage_region",
  offsiteEndpoint: "offsite_endpoint",
  offsiteRegion: "offsite_region",
} as const;
