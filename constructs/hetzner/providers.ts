import { Construct } from "constructs";
import { HcloudProvider } from "../../.gen/providers/hcloud/provider";
import { HetznerEnvironment } from "../../lib/environment";

/** The token comes from HCLOUD_TOKEN at plan/apply time; it never enters the synthesized config. */
export function hetznerProviders(scope: Construct, env: HetznerEnvironment): void {
  void env;
  new HcloudProvider(scope, "hcloud", {});
}
