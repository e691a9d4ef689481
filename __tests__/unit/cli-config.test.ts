import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeManagedBlock } from "../../scripts/lib/cli-config";

const config = { mirror: "/p/mirror", addresses: ["registry.terraform.io/hashicorp/random"] };
const file = () => join(mkdtempSync(join(tmpdir(), "tfrc-")), ".terraformrc");

test("writes a mirror for the pinned providers and lets others use a registry", () => {
  const f = file();
  writeManagedBlock(f, config);
  const text = readFileSync(f, "utf8");
  expect(text).toContain('path    = "/p/mirror"');
  expect(text).toMatch(/filesystem_mirror \{[\s\S]*"registry.terraform.io\/hashicorp\/random"[\s\S]*direct \{\s*exclude = \[\s*"registry.terraform.io\/hashicorp\/random"/);
});

test("keeps the user's own settings and replaces only its block on rerun", () => {
  const f = file();
  writeFileSync(f, 'credentials "app.terraform.io" {\n  token = "x"\n}\n');
  writeManagedBlock(f, config);
  writeManagedBlock(f, { ...config, mirror: "/other/mirror" });
  const text = readFileSync(f, "utf8");
  expect(text.startsWith('credentials "app.terraform.io" {')).toBe(true);
  expect(text.match(/provider_installation/g)).toHaveLength(1);
  expect(text).toContain("/other/mirror");
  expect(text).not.toContain("/p/mirror");
});

test("refuses to override a provider_installation the user wrote", () => {
  const f = file();
  writeFileSync(f, "provider_installation {\n  direct {}\n}\n");
  expect(() => writeManagedBlock(f, config)).toThrow(/already has a provider_installation block/);
  expect(readFileSync(f, "utf8")).toBe("provider_installation {\n  direct {}\n}\n");
});
