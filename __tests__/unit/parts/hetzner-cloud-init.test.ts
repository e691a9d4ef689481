import { parse } from "yaml";
import { CloudInit, systemdUnit } from "../../../constructs/hetzner/cloud-init";

test("fragments merge in order: lists are joined, packages once each, a later single setting wins", () => {
  const text = new CloudInit()
    .add({ bootcmd: [["mount", "data"]], packages: ["docker.io"], write_files: [{ path: "/a", content: "a" }], ssh_pwauth: true })
    .add({ package_update: true, packages: ["docker.io", "jq"], write_files: [{ path: "/b", content: "b" }], runcmd: [["systemctl", "daemon-reload"]], ssh_pwauth: false })
    .render();
  expect(text.startsWith("#cloud-config\n")).toBe(true);
  expect(parse(text)).toEqual({
    bootcmd: [["mount", "data"]], packages: ["docker.io", "jq"], package_update: true, ssh_pwauth: false,
    write_files: [{ path: "/a", content: "a" }, { path: "/b", content: "b" }], runcmd: [["systemctl", "daemon-reload"]],
  });
});

test("a long line is never folded (it could split a Terraform reference)", () => {
  const long = `\${portable_ssh_host_key.${"x".repeat(200)}.public_key}`;
  const text = new CloudInit().add({ write_files: [{ path: "/k", content: long }] }).render();
  expect(text.split("\n")).toContainEqual(expect.stringContaining(long));
});

test("a systemd unit from its sections", () => {
  expect(systemdUnit({ Unit: { After: "docker.service" }, Service: { Type: "oneshot", ExecStart: "/bin/true" } }))
    .toBe("[Unit]\nAfter=docker.service\n\n[Service]\nType=oneshot\nExecStart=/bin/true\n");
});
