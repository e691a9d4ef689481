import { Construct, IConstruct } from "constructs";
import { Aspects, IAspect, TerraformResource, TerraformStack } from "cdktf";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";

export interface DockerHostProps {
  /** The engine's address: ssh://user@host[:port]. */
  readonly url: string;
  /** The known_hosts line of its ssh host key ("<host> ssh-ed25519 AAAA…"): the only key ssh accepts from it. */
  readonly knownHosts: string;
}

/**
 * The options of the ssh the docker provider runs for an `ssh://` engine: never interactive (keys come
 * from the ssh agent), kept alive through long applies, and, given a known_hosts line, trusting that
 * host key and no other (not the user's known_hosts, not a first-seen key).
 */
export function sshOptions(knownHosts?: string): string[] {
  const pinned = knownHosts === undefined ? [] : [
    "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=/dev/null", "-o", "GlobalKnownHostsFile=/dev/null",
    // ssh runs it (split into words, no shell) and reads known_hosts lines from its output.
    "-o", `KnownHostsCommand=/bin/echo ${knownHosts}`,
  ];
  return ["-o", "BatchMode=yes", "-o", "ServerAliveInterval=30", ...pinned];
}

/**
 * One of several Docker Engines a stack deploys to (Hetzner's servers): every docker resource inside
 * this construct goes to its engine, through a provider of its own (an aspect sets it, so the parts
 * need not know). A stack with one engine (the Docker target) has none: its resources use the default
 * provider.
 */
export class DockerHost extends Construct {
  readonly provider: DockerProvider;

  constructor(scope: Construct, id: string, props: DockerHostProps) {
    super(scope, id);
    this.provider = new DockerProvider(TerraformStack.of(this), `docker-${id}`, { alias: id, host: props.url, sshOpts: sshOptions(props.knownHosts) });
    Aspects.of(this).add(new OnEngine(this.provider));
  }

  /** The host `scope` is in, if it is in one. */
  static of(scope: IConstruct): DockerHost | undefined {
    return scope.node.scopes.slice().reverse().find((c): c is DockerHost => c instanceof DockerHost);
  }
}

class OnEngine implements IAspect {
  constructor(private readonly provider: DockerProvider) {}

  visit(node: IConstruct): void {
    if (node instanceof TerraformResource && node.terraformResourceType.startsWith("docker_")) node.provider = this.provider;
  }
}
