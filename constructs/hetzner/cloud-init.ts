import { Lazy } from "cdktf";
import { stringify } from "yaml";

/** The subset of cloud-config this project writes. */
export interface CloudConfig {
  package_update?: boolean;
  packages?: string[];
  users?: (string | { name: string; groups?: string; shell?: string; lock_passwd?: boolean })[];
  ssh_pwauth?: boolean;
  ssh_deletekeys?: boolean;
  ssh_genkeytypes?: string[];
  ssh_keys?: { ed25519_private: string; ed25519_public: string };
  /** Runs early on every boot, before packages are installed. */
  bootcmd?: string[][];
  write_files?: { path: string; content: string; permissions?: string; owner?: string }[];
  runcmd?: string[][];
}

/**
 * A server's cloud-init user data, assembled from fragments (the Docker host's, then what its role
 * adds: the data server mounts its volume) and rendered as YAML by a YAML library when the stack is
 * synthesized. Values may be Terraform references; they resolve at apply time.
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
      const { package_update, packages, users, bootcmd, write_files, runcmd, ...settings } = f;
      Object.assign(merged, settings); // single settings: a later fragment's win
      if (package_update) merged.package_update = true;
      if (packages) merged.packages = [...new Set([...(merged.packages ?? []), ...packages])];
      if (users) merged.users = [...(merged.users ?? []), ...users];
      if (bootcmd) merged.bootcmd = [...(merged.bootcmd ?? []), ...bootcmd];
      if (write_files) merged.write_files = [...(merged.write_files ?? []), ...write_files];
      if (runcmd) merged.runcmd = [...(merged.runcmd ?? []), ...runcmd];
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
