import { Construct } from "constructs";
import { Token } from "cdktf";
import { LoadBalancer } from "../../.gen/providers/hcloud/load-balancer";
import { LoadBalancerNetwork } from "../../.gen/providers/hcloud/load-balancer-network";
import { LoadBalancerService } from "../../.gen/providers/hcloud/load-balancer-service";
import { LoadBalancerTargetA as LoadBalancerTarget } from "../../.gen/providers/hcloud/load-balancer-target";
import { ManagedCertificate } from "../../.gen/providers/hcloud/managed-certificate";
import { PrimaryIp } from "../../.gen/providers/hcloud/primary-ip";
import { HetznerEnvironment } from "../../lib/environment";
import { AppEnvironment, envLines } from "../app-environment";
import { ServiceEndpoint } from "../parts";
import { CloudInit, systemdUnit } from "./cloud-init";
import { HetznerNetwork } from "./network";
import { DEFAULT_SERVER_TYPE, hetznerServer } from "./server";

/**
 * The app: `service.replicas` servers, each running the app image with Docker (a systemd unit,
 * restarted always), configured by cloud-init. The servers are stateless: a new image (any change to
 * their cloud-init) replaces them, each destroyed before its successor is created, as the successor
 * takes its name and private address (both unique) and Terraform cannot keep the old one until the new
 * one is healthy anyway; so a release is unavailable while the new servers boot and pull the image.
 * With more than one replica a load balancer on the private network spreads requests and
 * health-checks the health path; with a DNS record it also terminates HTTPS with a Hetzner-managed
 * certificate. A single server is reached directly, at primary IPs that outlive it, so its addresses
 * and DNS records stay the same across releases.
 */
export class HetznerService extends Construct implements ServiceEndpoint {
  readonly url: string;
  readonly publicIpv4: readonly string[];
  readonly publicIpv6: readonly string[];

  constructor(scope: Construct, id: string, env: HetznerEnvironment, deps: { net: HetznerNetwork; app: AppEnvironment }) {
    super(scope, id);
    const { net, app } = deps;
    const { port, image, replicas, healthPath, command } = env.service;
    const appEnv = envLines(app, { port: true }).join("\n");
    const run = ["/usr/bin/docker run --rm --name app --env-file /etc/portable-backend/app.env", `-p 80:${port}`, image, ...(command ?? []).map(shellQuote)].join(" ");

    const labels = { environment: env.name };
    // A single server is reached directly, at primary IPs of its own: a release replaces the server,
    // not its addresses (nor the DNS records on them).
    const primaryIp = (type: "ipv4" | "ipv6") => new PrimaryIp(this, type, {
      name: `${env.name}-app-${type}`, type, assigneeType: "server", location: env.location,
      autoDelete: false, deleteProtection: env.protect, labels,
    });
    const direct = replicas === 1 ? { ipv4: primaryIp("ipv4"), ipv6: primaryIp("ipv6") } : undefined;

    const servers = Array.from({ length: replicas }, (_, i) => {
      const cloudInit = new CloudInit().add({
        package_update: true,
        packages: ["docker.io"],
        write_files: [
          { path: "/etc/portable-backend/app.env", content: `${appEnv}\n`, permissions: "0600" },
          {
            path: "/etc/systemd/system/app.service",
            content: systemdUnit({
              Unit: {
                Description: "The app container", After: "docker.service network-online.target", Wants: "network-online.target", Requires: "docker.service",
                // Never give up restarting (the default gives up after 5 starts in 10 s, e.g. while the
                // registry is unreachable at boot): the server exists only to run this.
                StartLimitIntervalSec: "0",
              },
              Service: {
                ExecStartPre: "-/usr/bin/docker rm -f app",
                ExecStart: run,
                ExecStop: "/usr/bin/docker stop app",
                Restart: "always",
                RestartSec: "5s",
              },
              Install: { WantedBy: "multi-user.target" },
            }),
          },
        ],
        runcmd: [["systemctl", "daemon-reload"], ["systemctl", "enable", "--now", "app.service"]],
      });
      return hetznerServer(this, `app-${i + 1}`, env, net, {
        name: `${env.name}-app-${i + 1}`,
        serverType: env.service.size ?? DEFAULT_SERVER_TYPE,
        privateIp: net.addresses.app(i + 1),
        firewallId: Token.asNumber(net.appFirewall.id),
        cloudInit,
        // Every app server has a public IPv4, behind a load balancer too (where its firewall lets nothing
        // in): it pulls the image, and registries without IPv6 (ghcr.io among them) are common.
        publicIpv4: true,
        primaryIps: direct && { ipv4: Token.asNumber(direct.ipv4.id), ipv6: Token.asNumber(direct.ipv6.id) },
        replaceOnCloudInitChange: true,
      });
    });

    const fqdn = env.dns ? (env.dns.record === "@" ? env.dns.zone : `${env.dns.record}.${env.dns.zone}`) : undefined;
    if (direct) {
      this.publicIpv4 = [direct.ipv4.ipAddress];
      // The server's address in its /64 is the first one, as hcloud_server.ipv6_address reports it
      // (network address + "1"); taken from the primary IP, it stays known when the server is replaced.
      this.publicIpv6 = [`${direct.ipv6.ipAddress}1`];
      this.url = `http://${fqdn ?? direct.ipv4.ipAddress}`;
      return;
    }

    const lb = new LoadBalancer(this, "load-balancer", {
      name: env.name, loadBalancerType: "lb11", location: env.location,
      algorithm: { type: "round_robin" }, deleteProtection: env.protect, labels,
    });
    const lbId = Token.asNumber(lb.id);
    const attached = new LoadBalancerNetwork(this, "load-balancer-network", { loadBalancerId: lbId, subnetId: net.subnet.id, ip: net.addresses.loadBalancer });
    servers.forEach((server, i) => new LoadBalancerTarget(this, `target-${i + 1}`, {
      loadBalancerId: lbId, type: "server", serverId: Token.asNumber(server.id), usePrivateIp: true, dependsOn: [attached],
    }));
    const healthCheck = { protocol: "http", port: 80, interval: 10, timeout: 5, retries: 3, http: { path: healthPath, statusCodes: ["200"] } };
    if (fqdn) {
      const certificate = new ManagedCertificate(this, "certificate", { name: fqdn, domainNames: [fqdn], labels });
      new LoadBalancerService(this, "https", {
        loadBalancerId: lb.id, protocol: "https", listenPort: 443, destinationPort: 80, healthCheck,
        http: { certificates: [Token.asNumber(certificate.id)], redirectHttp: true },
      });
    } else {
      new LoadBalancerService(this, "http", { loadBalancerId: lb.id, protocol: "http", listenPort: 80, destinationPort: 80, healthCheck });
    }
    this.publicIpv4 = [lb.ipv4];
    this.publicIpv6 = [lb.ipv6];
    this.url = fqdn ? `https://${fqdn}` : `http://${lb.ipv4}`;
  }
}

/** `arg` as one word for systemd's ExecStart (which splits on spaces and honours double quotes). */
function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(arg) ? arg : `"${arg.replace(/(["\\$])/g, "\\$1")}"`;
}
