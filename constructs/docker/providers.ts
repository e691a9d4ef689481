import { Construct } from "constructs";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { DockerEnvironment } from "../../lib/environment";

/** The Docker Engine the stack deploys to: the local socket, or a remote engine over ssh. */
export function dockerProviders(scope: Construct, env: DockerEnvironment): void {
  new DockerProvider(scope, "docker", {
    host: env.host.url,
    // Over ssh, keep the connection quiet and non-interactive: keys come from the ssh agent.
    sshOpts: env.host.url.startsWith("ssh://") ? ["-o", "BatchMode=yes", "-o", "ServerAliveInterval=30"] : undefined,
  });
}
