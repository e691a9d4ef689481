/**
 * The Debian mirror of this machine, read from its apt sources (one-line
 * *.list and deb822 *.sources), so the base image never hard-codes a mirror.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { BuildError } from "./commands";

interface AptEntry {
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
  signedBy?: string;
  file: string;
}

function parseOneLine(text: string, file: string): AptEntry[] {
  const out: AptEntry[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*/, "").trim();
    if (!line) continue;
    const m = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (!m) continue;
    const opts = new Map<string, string>();
    for (const o of (m[2] ?? "").trim().split(/\s+/).filter(Boolean)) {
      const [k, v] = o.split("=", 2);
      opts.set(k, v ?? "");
    }
    out.push({
      types: [m[1]],
      uris: [m[3]],
      suites: [m[4]],
      components: m[5].split(/\s+/).filter(Boolean),
      signedBy: opts.get("signed-by"),
      file,
    });
  }
  return out;
}

function parseDeb822(text: string, file: string): AptEntry[] {
  const out: AptEntry[] = [];
  for (const para of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let current: string | undefined;
    for (const line of para.split("\n")) {
      if (line.startsWith("#")) continue;
      if (/^\s/.test(line) && current) {
        fields.set(current, `${fields.get(current)}\n${line.trim()}`);
        continue;
      }
      const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
      if (m) {
        current = m[1].toLowerCase();
        fields.set(current, m[2].trim());
      }
    }
    if (!fields.has("uris") || !fields.has("suites")) continue;
    if ((fields.get("enabled") ?? "yes").toLowerCase() === "no") continue;
    const words = (k: string) => (fields.get(k) ?? "").split(/\s+/).filter(Boolean);
    out.push({
      types: words("types"),
      uris: words("uris"),
      suites: words("suites"),
      components: words("components"),
      signedBy: fields.get("signed-by"),
      file,
    });
  }
  return out;
}

function readAptSources(): AptEntry[] {
  const entries: AptEntry[] = [];
  const add = (file: string) => {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      return;
    }
    entries.push(...(file.endsWith(".sources") ? parseDeb822(text, file) : parseOneLine(text, file)));
  };
  add("/etc/apt/sources.list");
  const d = "/etc/apt/sources.list.d";
  if (fs.existsSync(d)) {
    // apt itself only reads *.list and *.sources
    for (const f of fs.readdirSync(d).sort()) {
      if (f.endsWith(".list") || f.endsWith(".sources")) add(path.join(d, f));
    }
  }
  return entries;
}

export interface DebianSources {
  /** URI debootstrap uses */
  mirror: string;
  /** deb822 file content installed in the image */
  sourcesFile: string;
}

/**
 * Find the Debian archive entries in this machine's apt configuration:
 * the main archive (`suite`, or the host's own release if it is not that
 * suite), plus -updates and -security when configured.
 */
export function debianSources(suite: string): DebianSources {
  const all = readAptSources().filter((e) => e.types.includes("deb"));
  const debianish = (s: string) => /^[a-z]+(-updates|-security|\/updates)?$/.test(s);
  const entries = all.filter((e) => e.suites.some(debianish) && e.components.includes("main"));
  const isMain = (s: string) => /^[a-z]+$/.test(s);
  const mainEntry = entries.find((e) => e.suites.includes(suite)) ?? entries.find((e) => e.suites.some(isMain));
  const mirror = process.env.DEBIAN_MIRROR || mainEntry?.uris[0];
  if (!mirror) {
    throw new BuildError(
      "Could not find a Debian archive in /etc/apt/sources.list or /etc/apt/sources.list.d/*.{list,sources}; " +
        "set DEBIAN_MIRROR to the archive URI to bootstrap from.",
    );
  }
  const securityEntry = entries.find((e) => e.suites.some((s) => /-security$|\/updates$/.test(s)));
  const keyring = "/usr/share/keyrings/debian-archive-keyring.gpg";
  const stanza = (uris: string[], suites: string[], signedBy?: string) =>
    [
      "Types: deb",
      `URIs: ${uris.join(" ")}`,
      `Suites: ${suites.join(" ")}`,
      "Components: main",
      // only the standard keyring path is known to exist inside the image;
      // otherwise apt falls back to /etc/apt/trusted.gpg.d (Debian's keys)
      ...(signedBy === keyring ? [`Signed-By: ${keyring}`] : []),
    ].join("\n");
  const parts = [stanza([mirror], [suite, `${suite}-updates`], mainEntry?.signedBy ?? keyring)];
  if (securityEntry) {
    parts.push(stanza(securityEntry.uris, [`${suite}-security`], securityEntry.signedBy));
  }
  return { mirror, sourcesFile: `${parts.join("\n\n")}\n` };
}
