import { Construct } from "constructs";
import { Zone } from "../../.gen/providers/hcloud/zone";
import { ZoneRrset } from "../../.gen/providers/hcloud/zone-rrset";
import { Environment } from "../../lib/environment";
import { ServiceEndpoint } from "../parts";
import { DnsRecordName } from "./record";

export interface HetznerDnsRecordsProps extends DnsRecordName {
  /**
   * True: the zone is created here, and owned (destroying this deletes it). False: the zone exists
   * (another stack's, or made by hand) and only the records are managed here.
   * @default true
   */
  readonly createZone?: boolean;
  /**
   * The addresses of the A record.
   * @default none: no A record
   */
  readonly publicIpv4?: readonly string[];
  /**
   * The addresses of the AAAA record.
   * @default none: no AAAA record
   */
  readonly publicIpv6?: readonly string[];
  /**
   * Deletion protection of the zone, and change protection of the records.
   * @default true
   */
  readonly protect?: boolean;
  /**
   * Labels of the zone.
   * @default none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/** What an environment's `dns` asks for: its records, pointing at the service's public addresses. */
export function hetznerDnsRecordsProps(env: Environment, service: Pick<ServiceEndpoint, "publicIpv4" | "publicIpv6">): HetznerDnsRecordsProps {
  if (!env.dns) throw new Error(`${env.file}: the environment has no dns`);
  const { zone, record, createZone } = env.dns;
  return { zone, record, createZone, publicIpv4: service.publicIpv4, publicIpv6: service.publicIpv6, protect: env.protect, labels: { environment: env.name } };
}

/**
 * The service's records in a Hetzner DNS zone (served through the Hetzner Cloud API): A records
 * for the service's IPv4 addresses, and AAAA for IPv6 ones. The zone is created here, or with
 * `createZone: false` it is one that exists (another stack's) and is named by its name.
 */
export class HetznerDnsRecords extends Construct {
  constructor(scope: Construct, id: string, props: HetznerDnsRecordsProps) {
    super(scope, id);
    const protect = props.protect ?? true;
    const zone = (props.createZone ?? true)
      ? new Zone(this, "zone", { name: props.zone, mode: "primary", ttl: 3600, deleteProtection: protect, labels: props.labels ?? {} }).name
      : props.zone;
    const byType = { A: props.publicIpv4 ?? [], AAAA: props.publicIpv6 ?? [] };
    for (const [type, addresses] of Object.entries(byType)) {
      if (addresses.length === 0) continue;
      new ZoneRrset(this, type, {
        zone, name: props.record, type, ttl: 300,
        records: addresses.map((value) => ({ value })),
        changeProtection: protect,
      });
    }
  }
}
