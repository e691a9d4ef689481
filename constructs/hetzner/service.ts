import { Construct } from "constructs";
import { Token } from "cdktf";
import { LoadBalancer } from "../../.gen/providers/hcloud/load-balancer";
import { LoadBalancerNetwork } from "../../.gen/providers/hcloud/load-balancer-network";
import { LoadBalancerService } from "../../.gen/providers/hcloud/load-balancer-service";
import { LoadBalancerTargetA as LoadBalancerTarget } from "../../.gen/providers/hcloud/load-balancer-target";
import { ManagedCertificate } from "../../.gen/providers/hcloud/managed-certificate";
import { HetznerEnvironment } from "../../lib/environment";
import { DatabaseEndpoint, databaseUrl, ServiceEndpoint } from "../parts";
import { CloudInit, systemdUnit } from "./cloud-init";
import { HetznerBuckets } from "./bucket";
import { HetznerNetwork } from "./network";
import { DEFAULT_SERVER_TYPE, hetznerServer } from "./server";

/**
 * The app: `service.replicas` servers, each running the app image with Docker (a systemd unit,
 * restarted always), configured by cloud-init. With more than one replica a load balancer on the
 * private network spreads requests and health-checks the health path; with a DNS record it also
 * terminates HTTPS with a Hetzner-managed certificate.
 */
export class HetznerService extends Construct implements ServiceEndpoint {
  readonly url: string;
  readonly publicIpv4: readonly string[];
  readonly publicIpv6: readonly string[];

  constructor(scope: Construct, id: string, env: HetznerEnvironment, deps: { net: HetznerNetwork; db: DatabaseEndpoint; bucket: HetznerBuckets }) {
    super(scope, id);
    const { net, db, bucket } = deps;
    const { port, image, replicas, healthPath } = env.service;
    const appEnv = [
      `PORT=${port}`,
      `DATABASE_URL=${databaseUrl(db, "prefer")}`,
      `S3_ENDPOINT=${bucket.endpoint}`, `S3_REGION=${bucket.region}`, `S3_BUCKET=${bucket.name}`,
      `S3_ACCESS_KEY_ID=${bucket.accessKeyId}`, `S3_SECRET_ACCESS_KEY=${bucket.secretAccessKey}`,
    ].join("\n");

    const servers = Array.from({ length: replicas }, (_, i) => {
      const cloudInit = new CloudInit().add({
        package_update: true,
        packages: ["docker.io"],
        write_files: [
          { path: "/etc/portable-backend/app.env", content: `${appEnv}\n`, permissions: "0600" },
          {
            path: "/etc/systemd/system/app.service",
            content: systemdUnit({
              Unit: { Description: "The app container", After: "docker.service network-online.target", Requires: "docker.service" },
              Service: {
                ExecStartPre: "-/usr/bin/docker rm -f app",
                ExecStart: `/usr/bin/docker run --rm --name app --env-file /etc/portable-backend/app.env -p 80:${port} ${image}`,
                ExecStop: "/usr/bin/docker stop app",
                Restart: "always",
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
        // A single server is reached directly; behind a load balancer the servers need no public IPv4.
        publicIpv4: replicas === 1,
      });
    });

    const fqdn = env.dns ? (env.dns.record === "@" ? env.dns.zone : `${env.dns.record}.${env.dns.zone}`) : undefined;
    if (replicas === 1) {
      this.publicIpv4 = [servers[0].ipv4Address];
      this.publicIpv6 = [servers[0].ipv6Address];
      this.url = `http://${fqdn ?? servers[0].ipv4Address}`;
      return;
    }

    const lb = new LoadBalancer(this, "load-balancer", {
      name: env.name, loadBalancerType: "lb11", location: env.location,
      algorithm: { type: "round_robin" }, deleteProtection: env.protect, labels: { environment: env.name },
    });
    const lbId = Token.asNumber(lb.id);
    const attached = new LoadBalancerNetwork(this, "load-balancer-network", { loadBalancerId: lbId, subnetId: net.subnet.id, ip: net.addresses.loadBalancer });
    servers.forEach((server, i) => new LoadBalancerTarget(this, `target-${i + 1}`, {
      loadBalancerId: lbId, type: "server", serverId: Token.asNumber(server.id), usePrivateIp: true, dependsOn: [attached],
    }));
    const healthCheck = { protocol: "http", port: 80, interval: 10, timeout: 5, retries: 3, http: { path: healthPath, statusCodes: ["200"] } };
    if (fqdn) {
      const certificate = new ManagedCertificate(this, "certificate", { name: fqdn, domainNames: [fqdn], labels: { environment: env.name } });
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
