/** Where the proxy keeps the table of replicas it sends requests to (on its data volume, to outlive the container). */
export const ROUTES_FILE = "/data/caddy/routes.json";

/**
 * The reverse proxy's configuration: one site in front of the app's replicas. The same for every
 * release: which replicas serve is a table the proxy keeps (images/proxy/routes) and a release replaces
 * through the admin API, without reloading this configuration (a reload closes clients' connections).
 * The table's replicas are health-checked on the environment's health path. A real domain gets
 * automatic HTTPS (ACME); without one the proxy serves plain HTTP and automatic HTTPS is off. The admin
 * API listens on the proxy's own loopback only.
 */
export function caddyfile(props: { domain?: string; healthPath: string }): string {
  const site = props.domain ?? ":80";
  return [
    "{",
    "\tadmin 127.0.0.1:2019",
    ...(props.domain ? [] : ["\tauto_https off"]),
    "}",
    "",
    `${site} {`,
    "\treverse_proxy {",
    "\t\tdynamic routes {",
    `\t\t\tfile ${ROUTES_FILE}`,
    `\t\t\thealth_uri ${props.healthPath}`,
    "\t\t\thealth_interval 5s",
    "\t\t\thealth_timeout 3s",
    "\t\t\thealth_fails 2",
    "\t\t}",
    "\t\tlb_policy round_robin",
    // A replica that stopped answering (it crashed) is retried on another one: only requests that reached
    // no replica are retried, so none is sent twice.
    "\t\tlb_try_duration 5s",
    "\t\tlb_try_interval 250ms",
    "\t}",
    "}",
    "",
  ].join("\n");
}
