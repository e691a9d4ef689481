/**
 * Debian packages in the Debian-based images (the base image and every image built FROM it with
 * apt-get): `dpkg-query` lists them inside each image, and each package's /usr/share/doc/<package>/copyright
 * (which the images keep) says its licences: the `License:` fields of a machine-readable (DEP-5) file,
 * else what licensecheck finds in the text, else the /usr/share/common-licenses files it points at. Every
 * copyright file is also classified, so an AGPL or SSPL text is found even under another name.
 */
import execa from "execa";
import { localImages, type LocalImageName } from "../../images/catalog";
import type { ResultCache } from "./cache";
import { sha256, type Classifier } from "./classifier";
import { imageId, imageMissing } from "./go";
import type { Collected, Component, Missing } from "./model";
import { decideDebian, parseDep5, textLicence } from "./policy";

/** The images with Debian's package manager: base and those built FROM it with apt-get (scripts/images/specs.ts). */
export const DEBIAN_IMAGES: LocalImageName[] = ["base", "baseTrixie", "postgres", "postgres15", "cache", "backup", "exampleApp", "standinVps"];

const SEP = "\u001e"; // starts each package's header line in the listing below

/** Lists the installed packages and prints each one's copyright file (run inside the image, no network). */
const LIST_SCRIPT = `
dpkg-query -W -f '\${db:Status-Abbrev}|\${Package}|\${Version}|\${Architecture}|\${source:Package}\\n' | while IFS='|' read -r status pkg version arch source; do
  case "$status" in ii*) ;; *) continue ;; esac
  printf '${SEP}%s|%s|%s|%s\\n' "$pkg" "$version" "$arch" "$source"
  cat "/usr/share/doc/$pkg/copyright" 2>/dev/null || true
done`;

interface Installed {
  pkg: string;
  version: string;
  arch: string;
  /** The source package: a package whose doc directory is a link to a sibling's shares its copyright. */
  source: string;
  /** SHA-256 of the copyright file, or "" when the package has none. */
  copyright: string;
}

interface CopyrightFinding {
  machineReadable: boolean;
  names: string[];
  /** Licences licensecheck found in the text. */
  scanned: string[];
  /** /usr/share/common-licenses/<name> the text points at. */
  commonLicenses: string[];
}

/** Lists an image's packages with their copyright texts (texts are returned for classification). */
async function listImage(tag: string): Promise<{ installed: Installed[]; texts: Map<string, string> }> {
  const { stdout } = await execa("docker", ["run", "--rm", "--network", "none", "--entrypoint", "sh", tag, "-c", LIST_SCRIPT], { maxBuffer: 512 * 1024 * 1024 });
  const installed: Installed[] = [];
  const texts = new Map<string, string>();
  for (const record of stdout.split(SEP).slice(1)) {
    const nl = record.indexOf("\n");
    const [pkg, version, arch, source] = (nl < 0 ? record : record.slice(0, nl)).split("|");
    const text = nl < 0 ? "" : record.slice(nl + 1);
    const hash = text.trim() ? sha256(text) : "";
    if (hash) texts.set(hash, text);
    installed.push({ pkg, version, arch, source, copyright: hash });
  }
  return { installed, texts };
}

/**
 * A package whose /usr/share/doc/<package> is a link to a sibling's (same source package, e.g. libgcc-s1 →
 * gcc-12-base) has no copyright file of its own in the images, which keep only the copyright files: its
 * sibling's applies (Debian policy 12.5 allows the link only between packages of the same source).
 */
function withSiblingCopyright(installed: Installed[]): (Installed & { copyrightOf?: string })[] {
  return installed.map((item) => {
    if (item.copyright) return item;
    const siblings = installed.filter((o) => o.copyright && o.source === item.source);
    const sibling = siblings.find((o) => o.version === item.version) ?? siblings[0];
    return sibling ? { ...item, copyright: sibling.copyright, copyrightOf: sibling.pkg } : item;
  });
}

export async function collectDebian(classifier: Classifier, cache: ResultCache, opts: { docker: boolean }): Promise<Collected> {
  const missing: Missing[] = [];
  const perImage: { image: LocalImageName; installed: Installed[] }[] = [];
  const newTexts = new Map<string, string>();
  // images listed at once (one container each, only for an image ID not seen before)
  const listed = await Promise.all(
    DEBIAN_IMAGES.map(async (image) => {
      const tag = localImages[image];
      const id = opts.docker ? await imageId(tag) : undefined;
      if (!id) return { image, tag };
      const cached = cache.get<Installed[]>("debian-images", id);
      return { image, tag, id, cached, fresh: cached ? undefined : await listImage(tag) };
    }),
  );
  for (const { image, tag, id, cached, fresh } of listed) {
    if (!id) {
      missing.push({ kind: "debian", what: `image ${tag}`, ...imageMissing(opts.docker) });
      continue;
    }
    if (fresh) {
      for (const [hash, text] of fresh.texts) if (!cache.get("debian-copyright", hash)) newTexts.set(hash, text);
      cache.set("debian-images", id, fresh.installed);
    }
    perImage.push({ image, installed: cached ?? fresh!.installed });
  }

  // new copyright files: DEP-5 names, licensecheck's matches (one classifier run), common-licenses references
  const hashes = [...newTexts.keys()];
  const scans = await classifier.scan(hashes.map((h) => newTexts.get(h)!));
  hashes.forEach((hash, i) => {
    const text = newTexts.get(hash)!;
    const dep5 = parseDep5(text);
    const commonLicenses = [...new Set([...text.matchAll(/\/usr\/share\/common-licenses\/([A-Za-z0-9][A-Za-z0-9.+_-]*[A-Za-z0-9+])/g)].map((m) => m[1]))];
    const finding: CopyrightFinding = { ...dep5, scanned: textLicence(scans[i]).ids, commonLicenses };
    cache.set("debian-copyright", hash, finding);
  });

  // one row per package version, with the images it is in
  const rows = new Map<string, { item: Installed & { copyrightOf?: string }; images: LocalImageName[] }>();
  for (const { image, installed } of perImage) {
    for (const item of withSiblingCopyright(installed)) {
      const key = `${item.pkg}@${item.version}`;
      const row = rows.get(key) ?? { item, images: [] };
      row.images.push(image);
      rows.set(key, row);
    }
  }
  const built = perImage.map((p) => p.image);
  const components: Component[] = [...rows.values()]
    .sort((a, b) => a.item.pkg.localeCompare(b.item.pkg) || a.item.version.localeCompare(b.item.version))
    .map(({ item, images }) => {
      const source = images.length === built.length && built.length > 1 ? ["every Debian image"] : images.map((i) => localImages[i]);
      const base = { kind: "debian" as const, name: item.pkg, version: item.version, source };
      const f = item.copyright ? cache.get<CopyrightFinding>("debian-copyright", item.copyright) : undefined;
      if (!f) return { ...base, licence: "none found", evidence: `no /usr/share/doc/${item.pkg}/copyright`, ...decideDebian([], []) };
      // what the file says: DEP-5 names, else licensecheck's ids, else the common-licenses it points at
      const names = f.machineReadable && f.names.length ? f.names : f.scanned.length ? f.scanned : f.commonLicenses;
      const file = item.copyrightOf ? `copyright of ${item.copyrightOf} (same source package ${item.source})` : "copyright";
      const evidence = f.machineReadable && f.names.length
        ? `${file} (machine-readable License: fields)`
        : f.scanned.length
          ? `${file} (licensecheck)`
          : `${file} (/usr/share/common-licenses reference)`;
      return { ...base, licence: names.length ? names.join(", ") : "none found", evidence, ...decideDebian(names, f.scanned) };
    });
  return { components, missing };
}
