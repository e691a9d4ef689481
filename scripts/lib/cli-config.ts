import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

const BEGIN = "# >>> portable-backend provider mirror (managed by `npm run providers`) >>>";
const END = "# <<< portable-backend provider mirror <<<";

export interface MirrorConfig {
  readonly mirror: string;
  /** `host/namespace/type` addresses served from the mirror; everything else may still use a registry. */
  readonly addresses: readonly string[];
}

/**
 * Writes our block into terraform's CLI config, keeping whatever else the user has there.
 * Refuses to touch a config that already has its own provider_installation: terraform allows one,
 * and silently replacing the user's would be worse than a clear error.
 */
export function writeManagedBlock(file: string, config: MirrorConfig): void {
  const existing = existsSync(file) ? readFileSync(file, "utf8") : "";
  const outside = stripManagedBlock(existing);
  if (/^\s*provider_installation\s*\{/m.test(outside)) {
    throw new Error(`${file} already has a provider_installation block; add a filesystem_mirror for ${config.mirror} to it by hand, or remove it and rerun`);
  }
  const list = config.addresses.map((a) => `      "${a}",`).join("\n");
  // No plugin_cache_dir: from an unpacked mirror terraform links each stack's providers straight into the
  // mirror anyway, and a shared cache is relinked by every `terraform init`, which makes a terraform running
  // in another stack at that moment fail with "Required plugins are not installed".
  const block = [
    BEGIN,
    ...(/^\s*disable_checkpoint\b/m.test(outside) ? [] : ["disable_checkpoint = true"]),
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = "${config.mirror}"`,
    "    include = [",
    list,
    "    ]",
    "  }",
    "  direct {",
    "    exclude = [",
    list,
    "    ]",
    "  }",
    "}",
    END,
  ].join("\n");
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${outside.trimEnd()}${outside.trim() ? "\n\n" : ""}${block}\n`);
}

export function stripManagedBlock(text: string): string {
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start < 0 || end < start) return text;
  return text.slice(0, start) + text.slice(end + END.length).replace(/^\n/, "");
}
