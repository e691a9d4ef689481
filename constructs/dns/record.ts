/** A DNS record by its name: the zone it is in, and its name there. The DNS parts of every target take it. */
export interface DnsRecordName {
  /** The zone's domain, e.g. acme.eu. */
  readonly zone: string;
  /** The service's record inside the zone, e.g. api, or "@" for the zone's apex. */
  readonly record: string;
}

/** The domain a record gives the service: `<record>.<zone>`, or the zone itself for its apex ("@"). */
export const recordDomain = ({ zone, record }: DnsRecordName): string => (record === "@" ? zone : `${record}.${zone}`);
