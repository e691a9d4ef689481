/**
 * The reverse proxy's configuration: one site in front of the app replicas, with active health
 * checks on the environment's health path. A real domain gets automatic HTTPS (ACME); without one
 * the proxy serves plain HTTP and Caddy's automatic HTTPS is switched off.
 */
export function caddyfile(props: { domain?: string; upstreams: readonly string[]; healthPath: string }): string {
  const site = props.domain ?? ":80";
  return [
    "{",
    "\tadmin 127.0.0.1:2019",
    ...(props.domain ? [] : ["\tauto_https off"]),
    "}",
    "",
    `${site} {`,
    `\treverse_proxy ${props.upstreams.join(" ")} {`,
    "\t\tlb_policy round_robin",
    `\t\thealth_uri ${props.healthPath}`,
    "\t\thealth_interval 5s",
    "\t\thealth_timeout 3s",
    "\t\tfail_duration 10s",
    "\t}",
    "}",
    "",
  ].join("\n");
}
