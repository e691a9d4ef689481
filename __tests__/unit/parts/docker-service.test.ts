import { Testing } from "cdktf";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import { AppEnvironment } from "../../../constructs/app-environment";
import { ROUTES_FILE } from "../../../constructs/docker/caddyfile";
import { DockerProbe } from "../../../constructs/docker/probe";
import { DockerRelease } from "../../../constructs/docker/release";
import { DockerService, DockerServiceProps } from "../../../constructs/docker/service";
import { containerNamed, containersOf, labelsOf, networkName, networkStack, networksOf } from "../../support/docker-parts";
import { resourcesOf } from "../../support/synthesized";

// DockerService (the replicas and the proxy in front of them) with DockerProbe (their health check), alone.
const APP: AppEnvironment = { plain: {}, secret: {}, port: 8000 };
const LOCAL = { bindAddress: "127.0.0.1", httpPort: 8080, httpsPort: 8443 };
const PROXY = "portable-backend/proxy:2.11-1";

function build(props: Partial<Omit<DockerServiceProps, "network" | "release" | "probe">> = {}) {
  const { stack, network } = networkStack();
  const release = new DockerRelease(stack, "release", { name: "shop", image: "acme/api:1.4.2", toolsImage: "tools", variables: APP, networks: [network.internal, network.edge], ready: [] });
  const probe = new DockerProbe(stack, "probe", { name: "shop", image: PROXY });
  const service = new DockerService(stack, "service", { name: "shop", network, release, probe, proxyImage: PROXY, site: LOCAL, healthPath: "/healthz", ...props });
  const json = Testing.synth(stack);
  return { service, json, proxy: containerNamed(json, "shop-proxy"), route: containerNamed(json, "shop-route") };
}
const replicas = (json: string) => Object.values(containersOf(json)).filter((c) => labelsOf(c).role === "app");
/** A synthesized container's address, and Terraform's reference to one of its attributes. */
const address = (json: string, container: any) => `docker_container.${Object.entries(containersOf(json)).find(([, c]) => c.name === container.name)![0]}`;
const reference = (json: string, container: any, attribute: string) => `\${${address(json, container)}.${attribute}}`;

describe("left to its defaults, on this machine", () => {
  const { service, json, proxy, route } = build();
  const [app] = replicas(json);

  test("one replica of the release on both networks, waited for until healthy, for 120 s", () => {
    expect(replicas(json)).toHaveLength(1);
    expect(app.name).toMatch(/^shop-app-1-\$\{random_id\./);
    expect(networksOf(app)).toEqual([networkName(json, "internal"), networkName(json, "edge")]);
    expect(app).toMatchObject({ wait: true, wait_timeout: 120 });
    expect(app.command).toBeUndefined();
  });

  test("healthy when the probe, mounted read-only from its volume, gets a 2xx from the health path on the app's port", () => {
    expect(app.healthcheck.test).toEqual(["CMD", "/opt/portable-backend/probe/httpcheck", "-status", "200-299", "-timeout", "3s", "http://127.0.0.1:8000/healthz"]);
    expect(app.volumes).toEqual([{ volume_name: expect.stringMatching(/^\$\{docker_volume\.probe_volume_.*\.name\}$/), container_path: "/opt/portable-backend/probe", read_only: true }]);
    expect(app.depends_on).toEqual([expect.stringMatching(/^docker_container\.probe_install_/)]);
  });

  test("the proxy alone publishes a port: HTTP on the site's address; no HTTPS without a domain", () => {
    expect(proxy.ports).toEqual([{ internal: 80, external: 8080, ip: "127.0.0.1" }]);
    expect(networksOf(proxy)).toEqual([networkName(json, "edge")]);
    expect(Object.values(containersOf(json)).filter((c) => c.ports)).toEqual([proxy]);
    expect(labelsOf(proxy)).toEqual({ environment: "shop", role: "proxy" });
    expect(service.url).toBe("http://127.0.0.1:8080");
    expect(service.publicIpv4).toEqual([]);
  });

  test("its Caddyfile: plain HTTP, the replicas' table health-checked on the health path", () => {
    const caddyfile = proxy.upload.find((u: any) => u.file === "/etc/caddy/Caddyfile").content as string;
    expect(caddyfile).toContain("auto_https off");
    expect(caddyfile).toContain(":80 {");
    expect(caddyfile).toContain(`file ${ROUTES_FILE}`);
    expect(caddyfile).toContain("health_uri /healthz");
  });

  test("its certificates and table in <name>-proxy-data, kept on destroy", () => {
    expect(proxy.volumes).toEqual([{ volume_name: "shop-proxy-data", container_path: "/data" }]);
    expect(JSON.parse(json).removed).toEqual([{ from: expect.stringMatching(/^docker_volume\.service_certificates_/), lifecycle: { destroy: false } }]);
  });

  test("the route step switches the proxy to the replicas, from inside it, once the proxy and every replica are up", () => {
    expect(route.network_mode).toBe(`container:${reference(json, proxy, "id")}`);
    expect(JSON.parse(route.upload[0].content)).toEqual({ upstreams: [`${reference(json, app, "name")}:8000`] });
    expect(route.depends_on).toEqual([address(json, proxy), address(json, app)]);
    expect(route.lifecycle.postcondition[0].error_message).toMatch(/^Switching the proxy to the new release failed, so the previous release keeps serving/);
  });
});

test("a domain: HTTPS too, with automatic certificates, and the URL on it", () => {
  const { service, proxy } = build({ site: { bindAddress: "0.0.0.0", httpPort: 80, httpsPort: 443, domain: "api.acme.de", publicIpv4: "203.0.113.7" } });
  expect(proxy.ports).toEqual([{ internal: 80, external: 80, ip: "0.0.0.0" }, { internal: 443, external: 443, ip: "0.0.0.0" }]);
  const caddyfile = proxy.upload[0].content as string;
  expect(caddyfile).toContain("api.acme.de {");
  expect(caddyfile).not.toContain("auto_https off");
  expect(service.url).toBe("https://api.acme.de");
  expect(service.publicIpv4).toEqual(["203.0.113.7"]);
  expect(build({ site: { ...LOCAL, domain: "api.acme.de" } }).service.url).toBe("https://api.acme.de:8443");
});

test("bound to every address, the URL says 127.0.0.1", () => {
  expect(build({ site: { ...LOCAL, bindAddress: "0.0.0.0" } }).service.url).toBe("http://127.0.0.1:8080");
});

test("several replicas, numbered from firstReplica, each in the proxy's table; the command and start timeout given", () => {
  const { json, route } = build({ replicas: 2, firstReplica: 3, command: ["serve", "--workers", "2"], startTimeoutSeconds: 300 });
  const apps = replicas(json);
  expect(apps.map((a) => a.name)).toEqual([expect.stringMatching(/^shop-app-3-/), expect.stringMatching(/^shop-app-4-/)]);
  for (const app of apps) expect(app).toMatchObject({ command: ["serve", "--workers", "2"], wait_timeout: 300 });
  expect(JSON.parse(route.upload[0].content).upstreams).toEqual(apps.map((a) => `${reference(json, a, "name")}:8000`));
  expect(route.depends_on).toHaveLength(3);
});

test("protect false: the proxy's data volume is a resource destroy deletes", () => {
  const { json, proxy } = build({ protect: false });
  const [id] = resourcesOf(json, "docker_volume").find(([, v]) => v.name === "shop-proxy-data")!;
  expect(proxy.volumes[0].volume_name).toBe(`\${docker_volume.${id}.name}`);
});

describe("DockerProbe", () => {
  const { json } = build();
  const install = Object.values(containersOf(json)).find((c) => labelsOf(c).role === "probe-install");

  test("its volume is not data: always a resource, labelled, removed with the environment", () => {
    expect(json).toHaveResourceWithProperties(Volume, { name: "shop-probe", labels: [{ label: "io.portable-backend.environment", value: "shop" }] });
  });

  test("installed into it once, as root, from the proxy image, named by that image so a new one replaces it", () => {
    expect(install).toMatchObject({
      entrypoint: ["/usr/bin/httpcheck", "-install", "/opt/portable-backend/probe"], user: "0:0", restart: "no",
      volumes: [{ volume_name: expect.stringMatching(/^\$\{docker_volume\.probe_volume_/), container_path: "/opt/portable-backend/probe" }],
    });
    expect(install.name).toMatch(/^shop-probe-install-\$\{substr\(docker_image\.probe_image_[0-9A-F]+\.image_id, 7, 12\)\}$/);
    expect(resourcesOf(json, "docker_image").filter(([, i]) => i.name === PROXY)).toHaveLength(2);
  });
});
