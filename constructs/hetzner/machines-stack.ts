import { Construct } from "constructs";
import { HcloudProvider } from "../../.gen/providers/hcloud/provider";
import { HetznerEnvironment, stacksOf } from "../../lib/environment";
import { EnvironmentStack } from "../environment-stack";
import { HetznerMachines } from "./machines";

/**
 * The first of a Hetzner environment's two stacks (stacksOf): the servers, volume, network, firewalls,
 * load balancer, buckets and DNS records. The second, the backend's, deploys the containers onto the
 * servers over ssh; its Docker providers need the servers' addresses, which exist only once this stack
 * is applied, so it reads them from this stack's state (MACHINE_OUTPUTS).
 */
export class HetznerMachinesStack extends EnvironmentStack {
  readonly machines: HetznerMachines;

  constructor(scope: Construct, env: HetznerEnvironment) {
    const own = stacksOf(env)[0];
    super(scope, env, own.name, own.part);
    new HcloudProvider(this, "hcloud", {}); // the token comes from HCLOUD_TOKEN at plan/apply time
    this.machines = new HetznerMachines(this, "machines", env);
  }
}
