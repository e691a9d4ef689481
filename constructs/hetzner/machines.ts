import { Construct } from "constructs";
import { TerraformOutput, Token } from "cdktf";
import { LoadBalancer } from "../../.gen/providers/hcloud/load-balancer";
import { LoadBalancerNetwork } from "../../.gen/providers/hcloud/load-balancer-network";
import { LoadBalancerService } from "../../.gen/providers/hcloud/load-balancer-service";
import { LoadBalancerTargetA as LoadBalancerTarget } from "../../.gen/providers/hcloud/load-balancer-target";
import { ManagedCertificate } from "../../.gen/providers/hcloud/managed-certificate";
import { PrimaryIp } from "../../.gen/providers/hcloud/primary-ip";
import { Volume } from "../../.gen/providers/hcloud/volume";
import { VolumeAttachment } from "../../.gen/providers/hcloud/volume-attachment";
import { HetznerDnsRecords, HetznerDnsRecordsProps } from "../dns/hetzner-dns";
import { recordDomain } from "../dns/record";
import { ServiceEndpoint } from "../parts";
import { HetznerBuckets, HetznerBucketsProps } from "./bucket";
import { CloudConfig, systemdUnit } from "./cloud-init";
import { DEFAULT_SERVER_TYPE, DEPLOY_USER, HetznerDockerHost } from "./docker-host";
import { HetznerNetwork, HetznerNetworkProps } from "./network";
import { MACHINE_OUTPUTS } from "./outputs";

/** Where the data server mounts its volume; its Docker Engine keeps everything there (data-root), volumes included. */
export const DATA_MOUNT = "/mnt/data";

/** The server Postgres, Redis, the backups, the release command and the workers run on. */
export interface HetznerDataServerProps {
  /**
   * The volume's size in GB (`database.storageGb`), where Docker keeps everything (Postgres' and Redis' data).
   * @default 10
   */
  readonly storageGb?: number;
  /**
   * A Hetzner server type (`database.size`).
   * @default DEFAULT_SERVER_TYPE
   */
  readonly serverType?: string;
}

/** The servers the app's replicas run on, one each. */
export interface HetznerAppServersProps {
  /**
   * How many (`service.replicas`): one is reached directly at primary IPs of its own, more behind a load balancer.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * A Hetzner server type (`service.size`).
   * @default DEFAULT_SERVER_TYPE
   */
  readonly serverType?: string;
  /**
   * The path the load balancer checks each server's proxy on, with more than one (`service.healthPath`).
   * @default "/healthz"
   */
  readonly healthPath?: string;
}

export interface HetznerMachinesProps {
  /**
   * Prefix of every resource's name (the network and the load balancer are `<name>`, the servers
   * `<name>-data` and `<name>-app-<n>`, the volume `<name>-data`), and their label `environment: <name>`:
   * the environment's name.
   */
  readonly name: string;
  /** The Hetzner location of the servers, the volume, the primary IPs and the load balancer. */
  readonly location: string;
  /** The private network and who may reach the servers' ssh. */
  readonly network: Pick<HetznerNetworkProps, "cidr" | "adminCidrs" | "deployCidrs">;
  /** The servers' image (Debian). */
  readonly serverImage: string;
  /**
   * Names of ssh keys of the Hetzner project, which log in as DEPLOY_USER on every server.
   * @default none
   */
  readonly sshKeys?: readonly string[];
  /**
   * The app servers.
   * @default one server of DEFAULT_SERVER_TYPE
   */
  readonly app?: HetznerAppServersProps;
  /**
   * The data server, with its volume.
   * @default none
   */
  readonly data?: HetznerDataServerProps;
  /** The Object Storage buckets. */
  readonly buckets: HetznerBucketsProps;
  /**
   * The site's DNS records, pointing at the app server or the load balancer.
   * @default none: reached at its IPv4, over HTTP
   */
  readonly dns?: Pick<HetznerDnsRecordsProps, "zone" | "record" | "createZone">;
  /**
   * Deletion protection of the network, the volume, the data server, the primary IPs, the load balancer and DNS.
   * @default true
   */
  readonly protect?: boolean;
}

/**
 * What a Hetzner environment runs on: its network and firewalls, a data server (Postgres and Redis, their
 * data on a Hetzner volume that outlives it) with `data`, `app.replicas` app servers (reached directly at
 * primary IPs when there is one, behind a load balancer with Hetzner's certificate when there are more),
 * its Object Storage buckets and its DNS records. Every server is a
 * Docker host (HetznerDockerHost); the containers are the backend's stack's.
 */
export class HetznerMachines extends Construct implements ServiceEndpoint {
  readonly network: HetznerNetwork;
  readonly buckets: HetznerBuckets;
  /** Where Postgres, Redis, the backups, the release command and the workers run; undefined without `data`. */
  readonly dataHost?: HetznerDockerHost;
  readonly appHosts: HetznerDockerHost[];
  /** Whether the app servers are behind a load balancer (and their proxies listen on their private addresses). */
  readonly balanced: boolean;
  /** The site's name, when it has a DNS record. */
  readonly fqdn?: string;
  readonly url: string;
  readonly publicIpv4: readonly string[];
  readonly publicIpv6: readonly string[];

  constructor(scope: Construct, id: string, props: HetznerMachinesProps) {
    super(scope, id);
    const { name, location } = props;
    const protect = props.protect ?? true;
    const labels = { environment: name };
    const replicas = props.app?.replicas ?? 1;
    this.balanced = replicas > 1;
    this.network = new HetznerNetwork(this, "network", { ...props.network, name, location, loadBalanced: this.balanced, protect, labels });
    this.buckets = new HetznerBuckets(this, "bucket", props.buckets);
    const { addresses } = this.network;
    this.fqdn = props.dns && recordDomain(props.dns);
    // What every server has in common.
    const server = { image: props.serverImage, location, network: this.network, sshKeys: props.sshKeys, protect, labels };

    if (props.data) {
      const volume = new Volume(this, "data-volume", {
        name: `${name}-data`, size: props.data.storageGb ?? 10, location, format: "ext4", deleteProtection: protect, labels,
      });
      this.dataHost = new HetznerDockerHost(this, "data", {
        ...server, name: `${name}-data`, serverType: props.data.serverType ?? DEFAULT_SERVER_TYPE, privateIp: addresses.database,
        firewallId: Token.asNumber(this.network.dataFirewall.id), backups: true, holdsData: true,
        prepare: mountDataVolume(`/dev/disk/by-id/scsi-0HC_Volume_${volume.id}`),
      });
      new VolumeAttachment(this, "data-volume-attachment", {
        volumeId: Token.asNumber(volume.id), serverId: Token.asNumber(this.dataHost.server.id), automount: false,
      });
    }

    // A single app server is reached directly, at primary IPs of its own: replacing the server keeps its
    // addresses (and the DNS records on them).
    const primaryIp = (type: "ipv4" | "ipv6") => new PrimaryIp(this, type, {
      name: `${name}-app-${type}`, type, assigneeType: "server", location, autoDelete: false, deleteProtection: protect, labels,
    });
    const direct = this.balanced ? undefined : { ipv4: primaryIp("ipv4"), ipv6: primaryIp("ipv6") };
    this.appHosts = Array.from({ length: replicas }, (_, i) => new HetznerDockerHost(this, `app-${i + 1}`, {
      ...server, name: `${name}-app-${i + 1}`, serverType: props.app?.serverType ?? DEFAULT_SERVER_TYPE, privateIp: addresses.app(i + 1),
      firewallId: Token.asNumber(this.network.appFirewall.id),
      primaryIps: direct && { ipv4: Token.asNumber(direct.ipv4.id), ipv6: Token.asNumber(direct.ipv6.id) },
    }));

    if (direct) {
      this.publicIpv4 = [direct.ipv4.ipAddress];
      // The server's address in its /64 is the first one, as hcloud_server.ipv6_address reports it
      // (network address + "1"); taken from the primary IP, it stays known when the server is replaced.
      this.publicIpv6 = [`${direct.ipv6.ipAddress}1`];
      // Its proxy gets the certificate itself (ACME) when it has a name.
      this.url = this.fqdn ? `https://${this.fqdn}` : `http://${direct.ipv4.ipAddress}`;
    } else {
      const lb = this.loadBalancer({ name, location, protect, labels }, props.app?.healthPath ?? "/healthz");
      this.publicIpv4 = [lb.ipv4];
      this.publicIpv6 = [lb.ipv6];
      this.url = this.fqdn ? `https://${this.fqdn}` : `http://${lb.ipv4}`;
    }

    if (props.dns) {
      new HetznerDnsRecords(this, "dns", { ...props.dns, publicIpv4: this.publicIpv4, publicIpv6: this.publicIpv6, protect, labels });
    }

    const output = (id: string, value: string, description: string) => new TerraformOutput(this, id, { value, description }).overrideLogicalId(id);
    for (const [hostId, host] of [["data", this.dataHost], ...this.appHosts.map((h, i) => [`app-${i + 1}`, h] as const)] as const) {
      if (!host) continue;
      output(MACHINE_OUTPUTS.ssh(hostId), `ssh://${DEPLOY_USER}@${host.publicIpv4}`, `The Docker engine of ${hostId}`);
      output(MACHINE_OUTPUTS.knownHosts(hostId), host.knownHosts, `The known_hosts line pinning ${hostId}'s ssh host key`);
    }
    output(MACHINE_OUTPUTS.serviceUrl, this.url, "Where users reach the service");
    output(MACHINE_OUTPUTS.objectStorageEndpoint, this.buckets.endpoint, "The S3 endpoint of the buckets");
    output(MACHINE_OUTPUTS.objectStorageRegion, this.buckets.region, "The S3 region of the buckets");
    if (this.buckets.offsite) {
      output(MACHINE_OUTPUTS.offsiteEndpoint, this.buckets.offsite.endpoint, "The S3 endpoint of the off-site backups' bucket");
      output(MACHINE_OUTPUTS.offsiteRegion, this.buckets.offsite.region, "The S3 region of the off-site backups' bucket");
    }
  }

  /**
   * A load balancer on the private network in front of the app servers' proxies, health-checking each
   * on the health path; with a DNS record it terminates HTTPS with a Hetzner-managed certificate.
   */
  private loadBalancer(
    { name, location, protect, labels }: { name: string; location: string; protect: boolean; labels: Record<string, string> }, healthPath: string,
  ): LoadBalancer {
    const lb = new LoadBalancer(this, "load-balancer", {
      name, loadBalancerType: "lb11", location, algorithm: { type: "round_robin" }, deleteProtection: protect, labels,
    });
    const lbId = Token.asNumber(lb.id);
    const attached = new LoadBalancerNetwork(this, "load-balancer-network", { loadBalancerId: lbId, subnetId: this.network.subnet.id, ip: this.network.addresses.loadBalancer });
    this.appHosts.forEach((host, i) => new LoadBalancerTarget(this, `target-${i + 1}`, {
      loadBalancerId: lbId, type: "server", serverId: Token.asNumber(host.server.id), usePrivateIp: true, dependsOn: [attached],
    }));
    const healthCheck = { protocol: "http", port: 80, interval: 10, timeout: 5, retries: 3, http: { path: healthPath, statusCodes: ["200"] } };
    if (this.fqdn) {
      const certificate = new ManagedCertificate(this, "certificate", { name: this.fqdn, domainNames: [this.fqdn], labels });
      new LoadBalancerService(this, "https", {
        loadBalancerId: lb.id, protocol: "https", listenPort: 443, destinationPort: 80, healthCheck,
        http: { certificates: [Token.asNumber(certificate.id)], redirectHttp: true },
      });
    } else {
      new LoadBalancerService(this, "http", { loadBalancerId: lb.id, protocol: "http", listenPort: 80, destinationPort: 80, healthCheck });
    }
    return lb;
  }
}

/**
 * The data server's volume, mounted at DATA_MOUNT on the first boot before Docker is installed, and
 * Docker's data-root on it: Postgres' and Redis' volumes live there without knowing it, and Docker does
 * not start unless it is mounted, so nothing ever writes data to the server's own disk.
 */
function mountDataVolume(device: string): CloudConfig {
  const mount = [
    "set -eu",
    `dev=${device}`,
    // The volume is attached right after the server is created, while it boots.
    'for _ in $(seq 1 120); do [ -b "$dev" ] && break; sleep 5; done',
    `mkdir -p ${DATA_MOUNT}`,
    `grep -q "$dev" /etc/fstab || echo "$dev ${DATA_MOUNT} ext4 defaults,nofail,discard 0 2" >> /etc/fstab`,
    `mountpoint -q ${DATA_MOUNT} || mount ${DATA_MOUNT}`,
  ].join("\n");
  return {
    bootcmd: [["cloud-init-per", "once", "mount-data", "sh", "-c", mount]],
    write_files: [
      { path: "/etc/docker/daemon.json", content: `${JSON.stringify({ "data-root": `${DATA_MOUNT}/docker` })}\n` },
      {
        path: "/etc/systemd/system/docker.service.d/data-volume.conf",
        content: systemdUnit({ Unit: { RequiresMountsFor: DATA_MOUNT }, Service: { ExecStartPre: `/usr/bin/mountpoint -q ${DATA_MOUNT}` } }),
      },
    ],
  };
}
