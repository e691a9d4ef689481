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
import { HetznerEnvironment } from "../../lib/environment";
import { HetznerDnsRecords } from "../dns/hetzner-dns";
import { ServiceEndpoint } from "../parts";
import { HetznerBuckets } from "./bucket";
import { CloudConfig, systemdUnit } from "./cloud-init";
import { DEFAULT_SERVER_TYPE, DEPLOY_USER, HetznerDockerHost } from "./docker-host";
import { HetznerNetwork } from "./network";
import { MACHINE_OUTPUTS } from "./outputs";

/** Where the data server mounts its volume; its Docker Engine keeps everything there (data-root), volumes included. */
export const DATA_MOUNT = "/mnt/data";


/** The site's name, when the environment has a DNS record. */
export const siteName = (env: HetznerEnvironment) => env.dns && (env.dns.record === "@" ? env.dns.zone : `${env.dns.record}.${env.dns.zone}`);

/** Whether the environment has a data server: it has a database or a cache. */
export const hasDataServer = (env: HetznerEnvironment) => Boolean(env.database || env.cache);

/**
 * What a Hetzner environment runs on: its network and firewalls, a data server (Postgres and Redis, their
 * data on a Hetzner volume that outlives it) when it has a database or a cache, `service.replicas` app
 * servers (reached directly at primary IPs when there is one, behind a load balancer with Hetzner's
 * certificate when there are more), its Object Storage buckets and its DNS records. Every server is a
 * Docker host (HetznerDockerHost); the containers are the backend's stack's.
 */
export class HetznerMachines extends Construct implements ServiceEndpoint {
  readonly net: HetznerNetwork;
  readonly buckets: HetznerBuckets;
  /** Where Postgres, Redis, the backups, the release command and the workers run; undefined without a database or a cache. */
  readonly dataHost?: HetznerDockerHost;
  readonly appHosts: HetznerDockerHost[];
  /** Whether the app servers are behind a load balancer (and their proxies listen on their private addresses). */
  readonly balanced: boolean;
  /** The site's name, when it has a DNS record. */
  readonly fqdn?: string;
  readonly url: string;
  readonly publicIpv4: readonly string[];
  readonly publicIpv6: readonly string[];

  constructor(scope: Construct, id: string, env: HetznerEnvironment) {
    super(scope, id);
    this.net = new HetznerNetwork(this, "network", env);
    this.buckets = new HetznerBuckets(this, "bucket", env);
    const { addresses } = this.net;
    const labels = { environment: env.name };
    const { replicas, healthPath } = env.service;
    this.balanced = replicas > 1;
    this.fqdn = siteName(env);

    if (hasDataServer(env)) {
      const volume = new Volume(this, "data-volume", {
        name: `${env.name}-data`, size: (env.database && env.database.storageGb) || 10, location: env.location, format: "ext4",
        deleteProtection: env.protect, labels,
      });
      this.dataHost = new HetznerDockerHost(this, "data", env, this.net, {
        name: `${env.name}-data`, serverType: (env.database && env.database.size) || DEFAULT_SERVER_TYPE, privateIp: addresses.database,
        firewallId: Token.asNumber(this.net.dataFirewall.id), backups: true, holdsData: true,
        prepare: mountDataVolume(`/dev/disk/by-id/scsi-0HC_Volume_${volume.id}`),
      });
      new VolumeAttachment(this, "data-volume-attachment", {
        volumeId: Token.asNumber(volume.id), serverId: Token.asNumber(this.dataHost.server.id), automount: false,
      });
    }

    // A single app server is reached directly, at primary IPs of its own: replacing the server keeps its
    // addresses (and the DNS records on them).
    const primaryIp = (type: "ipv4" | "ipv6") => new PrimaryIp(this, type, {
      name: `${env.name}-app-${type}`, type, assigneeType: "server", location: env.location, autoDelete: false, deleteProtection: env.protect, labels,
    });
    const direct = this.balanced ? undefined : { ipv4: primaryIp("ipv4"), ipv6: primaryIp("ipv6") };
    this.appHosts = Array.from({ length: replicas }, (_, i) => new HetznerDockerHost(this, `app-${i + 1}`, env, this.net, {
      name: `${env.name}-app-${i + 1}`, serverType: env.service.size ?? DEFAULT_SERVER_TYPE, privateIp: addresses.app(i + 1),
      firewallId: Token.asNumber(this.net.appFirewall.id),
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
      const lb = this.loadBalancer(env, healthPath);
      this.publicIpv4 = [lb.ipv4];
      this.publicIpv6 = [lb.ipv6];
      this.url = this.fqdn ? `https://${this.fqdn}` : `http://${lb.ipv4}`;
    }

    if (env.dns) {
      if (env.dns.provider !== "hetzner") throw new Error(`${env.file}: dns.provider "${env.dns.provider}" is not supported by the hetzner target yet (use hetzner)`);
      new HetznerDnsRecords(this, "dns", env, this);
    }

    const output = (name: string, value: string, description: string) => new TerraformOutput(this, name, { value, description }).overrideLogicalId(name);
    for (const [name, host] of [["data", this.dataHost], ...this.appHosts.map((h, i) => [`app-${i + 1}`, h] as const)] as const) {
      if (!host) continue;
      output(MACHINE_OUTPUTS.ssh(name), `ssh://${DEPLOY_USER}@${host.publicIpv4}`, `The Docker engine of ${name}`);
      output(MACHINE_OUTPUTS.knownHosts(name), host.knownHosts, `The known_hosts line pinning ${name}'s ssh host key`);
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
  private loadBalancer(env: HetznerEnvironment, healthPath: string): LoadBalancer {
    const labels = { environment: env.name };
    const lb = new LoadBalancer(this, "load-balancer", {
      name: env.name, loadBalancerType: "lb11", location: env.location, algorithm: { type: "round_robin" }, deleteProtection: env.protect, labels,
    });
    const lbId = Token.asNumber(lb.id);
    const attached = new LoadBalancerNetwork(this, "load-balancer-network", { loadBalancerId: lbId, subnetId: this.net.subnet.id, ip: this.net.addresses.loadBalancer });
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
