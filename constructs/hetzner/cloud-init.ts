import { Lazy } from "cdktf";
import { stringify } from "yaml";

/** The subset of cloud-config this project writes. */
export interface CloudConfig {
  package_update?: boolean;
  packages?: string[];
  write_files?: { path: string; content: string; permissions?: string; owner?: string }[];
  runcmd?: string[][];
}

/**
 * A server's cloud-init user data, assembled from fragments by the parts that configure the server
 * (the database part, then the backups part) and rendered as YAML by a YAML library when the stack
 * is synthesized. Values may be Terraform references; they resolve at apply time.
 */
export class CloudInit {
  private readonly fragments: CloudConfig[] = [];

  add(fragment: CloudConfig): this {
    this.fragments.push(fragment);
    return this;
  }

  render(): string {
    const merged: CloudConfig = {};
    for (const f of this.fragments) {
      if (f.package_update) merged.package_update = true;
      if (f.packages) merged.packages = [...new Set([...(merged.packages ?? []), ...f.packages])];
      if (f.write_files) merged.write_files = [...(merged.write_files ?? []), ...f.write_files];
      if (f.runcmd) merged.runcmd = [...(merged.runcmd ?? []), ...f.runcmd];
    }
    // lineWidth 0: never fold a line, which could split a Terraform reference in two.
    return `#cloud-config\n${stringify(merged, { lineWidth: 0 })}`;
  }

  /** The rendered user data as a value for a resource, produced once every part has added to it. */
  get userData(): string {
    return Lazy.stringValue({ produce: () => this.render() });
  }
}

/** A systemd unit file from its sections. */
export function systemdUnit(sections: Record<string, Record<string, string>>): string {
  return Object.entries(sections)
    .map(([name, entries]) => `[${name}]\n${Object.entries(entries).map(([k, v]) => `${k}=${v}`).join("\n")}\n`)
    .join("\n");
}
