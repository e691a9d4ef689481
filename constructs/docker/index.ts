import { Construct } from "constructs";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { HcloudProvider } from "../../.gen/providers/hcloud/provider";
import { DockerEnvironment } from "../../lib/environment";
import { BackendParts } from "../parts";
import { HetznerDnsRecords } from "../dns/hetzner-dns";
import { DockerBackups } from "./backups";
import { DockerObjectStore } from "./bucket";
import { DockerDatabase } from "./database";
import { DockerNetworks } from "./network";
import { DockerService } from "./service";

/** The Docker Engine the stack deploys to (the local socket, or a remote engine over ssh), and the DNS provider. */
export function dockerProviders(scope: Construct, env: DockerEnvironment): void {
  new DockerProvider(scope, "docker", {
    host: env.host.url,
    // Over ssh, stay non-interactive: keys come from the ssh agent.
    sshOpts: env.host.url.startsWith("ssh://") ? ["-o", "BatchMode=yes", "-o", "ServerAliveInterval=30"] : undefined,
  });
  if (env.dns?.provider === "hetzner") new HcloudProvider(scope, "hcloud", {}); // token from HCLOUD_TOKEN
}

export const dockerParts: BackendParts<DockerEnvironment, DockerNetworks, DockerObjectStore> = {
  network: (scope, env) => new DockerNetworks(scope, "network", env),
  database: (scope, env, net) => new DockerDatabase(scope, "database", env, net),
  bucket: (scope, env, net) => new DockerObjectStore(scope, "bucket", env, net),
  service: (scope, env, deps) => new DockerService(scope, "service", env, deps),
  dns: (scope, env, service) => {
    if (!env.dns) return; // `local` has no records
    if (env.dns.provider !== "hetzner") throw new Error(`${env.file}: dns.provider "${env.dns.provider}" is not supported by the docker target yet (use hetzner)`);
    new HetznerDnsRecords(scope, "dns", env, service);
  },
  backups: (scope, env, deps) => new DockerBackups(scope, "backups", env, deps),
};
