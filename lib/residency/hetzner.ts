import { byId, hostOf, Location, ProviderLocations } from "./location";

// https://docs.hetzner.com/cloud/general/locations/ — every location, its network zone and datacenter.
const locations: Location[] = [
  { id: "fsn1", kind: "location", name: "Falkenstein", countries: ["DE"] },
  { id: "nbg1", kind: "location", name: "Nuremberg", countries: ["DE"] },
  { id: "hel1", kind: "location", name: "Helsinki", countries: ["FI"] },
  { id: "ash", kind: "location", name: "Ashburn, VA", countries: ["US"] },
  { id: "hil", kind: "location", name: "Hillsboro, OR", countries: ["US"] },
  { id: "sin", kind: "location", name: "Singapore", countries: ["SG"] },
  { id: "eu-central", kind: "network-zone", name: "Europe (fsn1, nbg1, hel1)", countries: ["DE", "FI"] },
  { id: "us-east", kind: "network-zone", name: "US East (ash)", countries: ["US"] },
  { id: "us-west", kind: "network-zone", name: "US West (hil)", countries: ["US"] },
  { id: "ap-southeast", kind: "network-zone", name: "Asia Pacific (sin)", countries: ["SG"] },
];

/** The network zone a location's private networks live in. */
export const HETZNER_NETWORK_ZONE: Record<string, string> = {
  fsn1: "eu-central", nbg1: "eu-central", hel1: "eu-central",
  ash: "us-east", hil: "us-west", sin: "ap-southeast",
};

/** Object Storage is offered in these locations, at `https://<location>.your-objectstorage.com`. */
export const HETZNER_OBJECT_STORAGE_LOCATIONS = ["fsn1", "nbg1", "hel1"] as const;
const OBJECT_STORAGE_HOST = /^(?:[a-z0-9-]+\.)?([a-z]+[0-9]*)\.your-objectstorage\.com$/;

export function hetznerObjectStorageEndpoint(location: string): string {
  return `https://${location}.your-objectstorage.com`;
}

export const hetzner: ProviderLocations = {
  provider: "hetzner",
  terraformProviders: ["hcloud", "s3"],
  headquarters: "DE",
  locations,
  environmentKinds: ["location"],
  resolve(value) {
    const v = value.trim().toLowerCase();
    const host = hostOf(v);
    if (host) {
      const m = OBJECT_STORAGE_HOST.exec(host);
      return m ? byId(locations, m[1]) : undefined;
    }
    // Datacenters are named <location>-dc<N>, e.g. fsn1-dc14.
    const dc = /^([a-z]+[0-9]*)-dc[0-9]+$/.exec(v);
    return byId(locations, dc ? dc[1] : v);
  },
};
