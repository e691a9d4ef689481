/**
 * Go binaries the project builds and runs, and every Go module compiled into them.
 *
 * Binaries: the providers in the offline mirror (`npm run providers`), the engine the wrapper runs
 * (OpenTofu when it was built; a terraform from PATH is the vendor's binary, listed as Terraform under
 * its own licence), actionlint (`npm run tools`) and the Go binaries inside the scratch images (taken out
 * of the built images with `docker cp`). `go version -m -json` lists the modules compiled into each;
 * each module's licence files (module root, as pkgsite reads them) are found in the Go module cache
 * (`go mod download` when missing, its hash checked against the one in the binary) and classified.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import execa from "execa";
import { localImages, type LocalImageName } from "../../images/catalog";
import { isLocalProvider, PINNED_PROVIDERS, type PinnedProvider } from "../../lib/providers";
import { ENGINE_WRAPPER, findEngine } from "../lib/engine";
import { MIRROR_DIR, PROJECT_ROOT } from "../lib/paths";
import { ACTIONLINT, ACTIONLINT_BIN } from "../tools";
import type { ResultCache } from "./cache";
import { sha256, type Classifier } from "./classifier";
import { findingOf, licenceFilesDeep } from "./files";
import type { Collected, Component, Missing } from "./model";
import { BUSL, decideId } from "./policy";

/**
 * The Go binaries inside the FROM-scratch images (scripts/images/specs.ts builds them on the host from
 * this project's modules), with the third-party program each one is, when it is one.
 */
export const IMAGE_GO_BINARIES: Partial<Record<LocalImageName, { path: string; product?: string }[]>> = {
  proxy: [{ path: "/usr/bin/caddy", product: "github.com/caddyserver/caddy/v2" }, { path: "/usr/bin/httpcheck" }],
  objectstore: [{ path: "/usr/local/bin/versitygw" }, { path: "/usr/local/bin/httpcheck" }],
  app: [{ path: "/app" }],
};

/** This project's own Go modules (providers/, images/*, app/, tools/licenses): not third-party. */
const OWN_MODULE = /^portable-backend\//;

type Main =
  | { kind: "own" }
  | { kind: "module"; path: string; version: string; sum?: string }
  | { kind: "terraform" }
  | { kind: "unknown"; why: string };

interface BinaryRef {
  name: string;
  version: string;
  /** The third-party module this binary is (a build of), when its main module is this project's wrapper. */
  product?: string;
  /** Where it is: a path from the project root or the cache, or image:path. */
  origin: string;
  main: Main;
  /** Reads the binary's build info (a path on this machine, possibly extracted from an image first). */
  cacheKey: string;
  read: () => Promise<BuildInfo>;
}

interface Module {
  path: string;
  version: string;
  sum?: string;
}

interface BuildInfo {
  goVersion: string;
  mainPath: string;
  /** `(devel)` when built inside the main module's own directory. */
  mainVersion: string;
  deps: Module[];
}

interface GoVersionJson {
  GoVersion: string;
  Path: string;
  Main?: { Path: string; Version: string };
  Deps?: { Path: string; Version: string; Sum?: string; Replace?: { Path: string; Version?: string; Sum?: string } }[];
}

const goEnv = { GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod" };

/** `go version -m -json` of a file: the modules compiled in (replacements resolved). */
async function buildInfo(file: string): Promise<BuildInfo> {
  const { stdout } = await execa("go", ["version", "-m", "-json", file], { env: goEnv });
  const info = JSON.parse(stdout) as GoVersionJson;
  return {
    goVersion: info.GoVersion,
    mainPath: info.Main?.Path ?? info.Path,
    mainVersion: info.Main?.Version ?? "",
    deps: (info.Deps ?? []).map((d) => (d.Replace ? { path: d.Replace.Path, version: d.Replace.Version ?? "", sum: d.Replace.Sum } : { path: d.Path, version: d.Version, sum: d.Sum })),
  };
}

const fileKey = (file: string): string => {
  const s = statSync(file);
  return `${file}|${s.dev}:${s.ino}|${s.size}|${s.mtimeMs}`;
};

/** The providers in the mirror, once each (every registry host's directory holds the same build). */
function mirrorBinaries(missing: Missing[]): BinaryRef[] {
  if (!existsSync(MIRROR_DIR)) {
    missing.push({ kind: "go-binary", what: "the provider mirror (.terraform-providers/mirror)", why: "is not built", fix: "run npm run providers" });
    return [];
  }
  const byBuild = new Map<string, string>();
  for (const file of readdirSync(MIRROR_DIR, { recursive: true }) as string[]) {
    const parts = file.split("/");
    if (parts.length !== 6 || !parts[5].startsWith("terraform-provider-")) continue;
    const [, namespace, type, version] = parts;
    const id = `${namespace}/${type} ${version}`;
    if (!byBuild.has(id)) byBuild.set(id, join(MIRROR_DIR, file));
  }
  const pins = Object.values(PINNED_PROVIDERS) as PinnedProvider[];
  return [...byBuild.entries()].sort().map(([id, path]) => {
    const [source, version] = id.split(" ");
    const pin = pins.find((p) => p.source === source && p.version === version);
    const main: Main = !pin
      ? { kind: "unknown", why: `${source} ${version} is in the mirror but not pinned in lib/providers.ts (rerun npm run providers)` }
      : isLocalProvider(pin)
        ? { kind: "own" }
        : { kind: "module", path: pin.goModule, version: pin.goVersion, sum: pin.goSum };
    // shown without the registry host directory: every host's holds the same build
    const shown = join(relative(PROJECT_ROOT, MIRROR_DIR), "*", relative(MIRROR_DIR, path).split("/").slice(1).join("/"));
    return { name: `terraform-provider-${source.split("/")[1]}`, version, origin: shown, main, cacheKey: fileKey(path), read: () => buildInfo(path) };
  });
}

/** The engine cdktf runs: the wrapper's target (see scripts/providers.ts), else terraform from PATH. */
async function engineBinary(missing: Missing[]): Promise<BinaryRef | undefined> {
  const wrapped = existsSync(ENGINE_WRAPPER) ? /exec "([^"]+)" providers lock/.exec(readFileSync(ENGINE_WRAPPER, "utf8"))?.[1] : undefined;
  const path = wrapped && existsSync(wrapped) ? wrapped : findEngine({ ignoreWrapper: true })?.path;
  if (!path) {
    missing.push({ kind: "go-binary", what: "the Terraform engine", why: "is not installed", fix: "run npm run providers (terraform from PATH, or OpenTofu built from its Go module)" });
    return undefined;
  }
  const info = await buildInfo(path).catch(() => undefined);
  const { stdout } = await execa(path, ["version", "-json"], { env: { CHECKPOINT_DISABLE: "1" }, reject: false });
  let version = "unknown";
  try {
    version = JSON.parse(stdout).terraform_version;
  } catch { /* reported as unknown */ }
  const origin = `${path}${path === wrapped ? "" : " (terraform from PATH)"}, run through ${relative(PROJECT_ROOT, ENGINE_WRAPPER)}`;
  const base = { version, origin, cacheKey: fileKey(path), read: async () => info ?? { goVersion: "", mainPath: "", mainVersion: "", deps: [] } };
  if (info?.mainPath === "github.com/opentofu/opentofu") {
    return { ...base, name: "tofu (OpenTofu)", main: { kind: "module", path: info.mainPath, version: `v${version}` } };
  }
  if (info?.mainPath === "github.com/hashicorp/terraform") return { ...base, name: "terraform (Terraform)", main: { kind: "terraform" } };
  return { ...base, name: "terraform engine", main: { kind: "unknown", why: `${path} is neither OpenTofu nor Terraform built with Go` } };
}

function actionlintBinary(missing: Missing[]): BinaryRef | undefined {
  if (!existsSync(ACTIONLINT_BIN)) {
    missing.push({ kind: "go-binary", what: "actionlint (node_modules/.bin/actionlint)", why: "is not built", fix: "run npm run tools" });
    return undefined;
  }
  return {
    name: "actionlint",
    version: ACTIONLINT.goVersion,
    origin: `${relative(PROJECT_ROOT, ACTIONLINT_BIN)} (npm run tools)`,
    main: { kind: "module", path: ACTIONLINT.goModule, version: ACTIONLINT.goVersion, sum: ACTIONLINT.goSum },
    cacheKey: fileKey(ACTIONLINT_BIN),
    read: () => buildInfo(ACTIONLINT_BIN),
  };
}

export const imageMissing = (docker: boolean): { why: string; fix: string } =>
  docker ? { why: "is not built", fix: "run npm run images" } : { why: "cannot be read: Docker is not reachable", fix: "start Docker (npm run setup), then npm run images" };

export async function imageId(tag: string): Promise<string | undefined> {
  const r = await execa("docker", ["image", "inspect", "--format", "{{.Id}}", tag], { reject: false });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

/** The Go binaries of the scratch images, read out of the built images (docker create + docker cp). */
async function imageBinaries(missing: Missing[], docker: boolean): Promise<BinaryRef[]> {
  const refs: BinaryRef[] = [];
  for (const [image, binaries] of Object.entries(IMAGE_GO_BINARIES) as [LocalImageName, { path: string; product?: string }[]][]) {
    const tag = localImages[image];
    const id = docker ? await imageId(tag) : undefined;
    if (!id) {
      missing.push({ kind: "go-binary", what: `image ${tag} (${binaries.map((b) => b.path).join(", ")})`, ...imageMissing(docker) });
      continue;
    }
    for (const { path, product } of binaries) {
      const name = path.split("/").pop()!;
      refs.push({
        name,
        version: "", // the program's: its main module's or product's version, or this project's
        product,
        origin: `image ${tag}:${path}`,
        main: { kind: "own" } as Main,
        cacheKey: `${id}|${path}`,
        read: async () => {
          const dir = mkdtempSync(join(tmpdir(), "licenses-"));
          const { stdout: container } = await execa("docker", ["create", tag]);
          try {
            await execa("docker", ["cp", `${container.trim()}:${path}`, join(dir, name)]);
            return await buildInfo(join(dir, name));
          } finally {
            await execa("docker", ["rm", container.trim()], { reject: false });
            rmSync(dir, { recursive: true, force: true });
          }
        },
      });
    }
  }
  return refs;
}

// ---------------------------------------------------------------------------------------------------

/** The module cache's spelling of a path or version (upper case as `!` + lower case). */
const escape = (s: string): string => s.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);

let modCache: string | undefined;
async function moduleDir(mod: Module): Promise<string> {
  modCache ??= (await execa("go", ["env", "GOMODCACHE"], { env: goEnv })).stdout.trim();
  const dir = join(modCache, `${escape(mod.path)}@${escape(mod.version)}`);
  if (existsSync(dir)) return dir;
  // Not in the cache (cleaned since the build): download it through the machine's Go proxy; the hash
  // recorded in the binary is the check (the checksum database does not know every module served).
  const ref = `${mod.path}@${mod.version}`;
  const r = await execa("go", ["mod", "download", "-json", ref], { env: { ...goEnv, GONOSUMDB: mod.path }, cwd: tmpdir(), reject: false });
  let info: { Dir?: string; Sum?: string; Error?: string } = {};
  try {
    info = JSON.parse(r.stdout);
  } catch { /* below */ }
  if (!info.Dir) throw new Error(`go mod download ${ref}: ${info.Error ?? r.stderr.trim()}`);
  if (mod.sum && info.Sum !== mod.sum) throw new Error(`${ref}: downloaded hash ${info.Sum} is not the ${mod.sum} compiled into the binary`);
  return info.Dir;
}

interface ModuleFinding {
  files: { file: string; textHash: string }[];
}

export async function collectGo(classifier: Classifier, cache: ResultCache, opts: { docker: boolean }): Promise<Collected> {
  const missing: Missing[] = [];
  const engine = await engineBinary(missing);
  const binaries = [
    ...mirrorBinaries(missing),
    ...(engine ? [engine] : []),
    ...[actionlintBinary(missing)].filter((b): b is BinaryRef => !!b),
    ...(await imageBinaries(missing, opts.docker)),
  ];

  // build info of every binary (cached by file identity, or by image ID and path)
  const infos = await Promise.all(
    binaries.map(async (b) => {
      const cached = cache.get<BuildInfo>("buildinfo", b.cacheKey);
      if (cached) return cached;
      const info = await b.read();
      cache.set("buildinfo", b.cacheKey, info);
      return info;
    }),
  );

  // a package of a dependency built from this project's module (versitygw's cmd): that module is its main one
  binaries.forEach((b, i) => {
    const { mainPath, mainVersion } = infos[i];
    if (b.main.kind === "own" && !OWN_MODULE.test(mainPath) && /^v\d/.test(mainVersion)) b.main = { kind: "module", path: mainPath, version: mainVersion };
  });

  // modules → the binaries they are in
  const modules = new Map<string, { mod: Module; in: Set<string>; main?: boolean }>();
  const label = (b: BinaryRef) => (b.version ? `${b.name} ${b.version}` : `${b.name} (${b.origin.replace(/^image /, "").replace(/:[^:]*$/, "")})`);
  const add = (mod: Module, b: BinaryRef, main = false) => {
    if (OWN_MODULE.test(mod.path)) return;
    const key = `${mod.path}@${mod.version}`;
    const entry = modules.get(key) ?? { mod, in: new Set<string>(), main };
    entry.in.add(main ? `${label(b)} (its main module)` : label(b));
    modules.set(key, entry);
  };
  binaries.forEach((b, i) => {
    if (b.main.kind === "terraform") return; // the vendor's binary, taken as a whole (see its row)
    if (b.main.kind === "module") add({ path: b.main.path, version: b.main.version, sum: b.main.sum }, b, true);
    for (const dep of infos[i].deps) add(dep, b);
  });

  // licence files of every module (found once per module version), then one classifier run for new texts
  const entries = [...modules.values()].sort((a, b) => a.mod.path.localeCompare(b.mod.path));
  const texts = new Map<string, string>();
  const findings: ModuleFinding[] = [];
  for (const { mod } of entries) {
    const key = `${mod.path}@${mod.version}`;
    let finding = cache.get<ModuleFinding>("gomod", key);
    if (!finding) {
      if (!mod.version) {
        finding = { files: [] };
      } else {
        const dir = await moduleDir(mod);
        finding = {
          files: licenceFilesDeep(dir).map((file) => {
            const text = readFileSync(join(dir, file), "utf8");
            const textHash = sha256(text);
            texts.set(textHash, text);
            return { file, textHash };
          }),
        };
      }
      cache.set("gomod", key, finding);
    }
    findings.push(finding);
  }
  // fill the classifier's cache for texts it has not seen (one process), then read every text's scan
  await classifier.scan([...texts.values()]);

  const components: Component[] = [];

  const goVersions = [...new Set(infos.filter((_, i) => binaries[i].main.kind !== "terraform").map((i) => i.goVersion).filter(Boolean))].sort();
  const goroot = (await execa("go", ["env", "GOROOT"], { env: goEnv })).stdout.trim();
  const [stdScan] = await classifier.scan([readFileSync(join(goroot, "LICENSE"), "utf8")]);
  const std = findingOf([{ file: "$GOROOT/LICENSE", scan: stdScan }]);
  components.push({
    kind: "go-module", name: "std (Go standard library and runtime)", version: goVersions.join(", "), licence: std.licence,
    evidence: std.evidence, source: ["every Go binary above"], ...std.verdict,
  });

  for (const [i, { mod, in: inBinaries }] of entries.entries()) {
    const files = findings[i].files.map(({ file, textHash }) => ({ file, scan: classifier.cached(textHash) }));
    const finding = mod.version
      ? findingOf(files)
      : { licence: "none found", evidence: "replaced by a local directory", verdict: { decision: "unknown" as const, reason: "a local replacement outside this project" } };
    components.push({
      kind: "go-module", name: mod.path, version: mod.version, licence: finding.licence, evidence: finding.evidence,
      source: [...inBinaries].sort(), ...finding.verdict,
    });
  }

  // a binary's row names the licence of the program it is (its main module, or the module it builds)
  const moduleRows = components.filter((c) => c.kind === "go-module");
  const binaryRows = binaries.map((b, i) => {
    const productPath = b.main.kind === "module" ? b.main.path : b.product;
    const productVersion = b.main.kind === "module" ? b.main.version : infos[i].deps.find((d) => d.path === b.product)?.version;
    const product = productPath ? moduleRows.find((m) => m.name === productPath && m.version === productVersion) : undefined;
    return binaryRow(b, infos[i], product);
  });
  return { components: [...binaryRows, ...components], missing };
}

/**
 * The row of a binary: the licence of the program it is (`product`: its main module's row, or that of
 * the module this project's wrapper builds), this project's own, or (terraform) the vendor's.
 */
function binaryRow(b: BinaryRef, info: BuildInfo, product: Component | undefined): Component {
  const base = { kind: "go-binary" as const, name: b.name, version: b.version || product?.version || "this project", source: [b.origin] };
  const modules = `${info.deps.length} modules compiled in, each listed below`;
  if (product) {
    const how = b.main.kind === "module" ? "its main module" : "built by this project's module";
    return { ...base, licence: product.licence, evidence: `${how} ${product.name} (${product.evidence}); ${modules}`, decision: product.decision, reason: product.reason };
  }
  switch (b.main.kind) {
    case "own":
      return { ...base, licence: "MIT (this project)", evidence: `this project's own code; ${modules}`, decision: b.product ? "unknown" : "allowed", reason: b.product ? `${b.product} is not compiled into it` : undefined };
    case "module":
      return { ...base, licence: "unknown", evidence: `main module ${b.main.path}@${b.main.version}`, decision: "unknown", reason: "its main module was not classified" };
    case "terraform": {
      const [major, minor] = b.version.split(".").map(Number);
      const busl = major > 1 || (major === 1 && minor >= 6);
      return {
        ...base,
        licence: busl ? BUSL : "MPL-2.0",
        evidence: busl
          ? "HashiCorp's Terraform from PATH, under the Business Source License 1.1 from 1.6.0 on"
          : "HashiCorp's Terraform from PATH, under the MPL-2.0 before 1.6.0",
        ...decideId(busl ? BUSL : "MPL-2.0", { allowBusl: true }),
      };
    }
    case "unknown":
      return { ...base, licence: "unknown", evidence: modules, decision: "unknown", reason: b.main.why };
  }
}
