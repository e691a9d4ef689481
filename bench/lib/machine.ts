import { cpus, loadavg, release, totalmem } from "node:os";
import execa from "execa";
import { findEngine } from "../../scripts/lib/engine";
import { PROJECT_ROOT } from "./environments";

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly terraform?: string;
  readonly docker?: string;
  readonly dockerCompose?: string;
  readonly cdktf?: string;
  readonly commit?: string;
  readonly loadavg: number[];
}

async function output(file: string, args: string[]): Promise<string | undefined> {
  const r = await execa(file, args, { cwd: PROJECT_ROOT, reject: false, env: { CHECKPOINT_DISABLE: "1" } });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

export async function machineInfo(): Promise<MachineInfo> {
  const engine = findEngine();
  const dirty = await output("git", ["status", "--porcelain", "--untracked-files=no"]);
  const commit = await output("git", ["rev-parse", "--short", "HEAD"]);
  return {
    cpuModel: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${process.platform} ${release()}`,
    node: process.version,
    terraform: engine && `${engine.flavour} ${engine.version}`,
    docker: await output("docker", ["version", "--format", "{{.Server.Version}}"]),
    dockerCompose: await output("docker-compose", ["version", "--short"]),
    cdktf: require("cdktf/package.json").version,
    commit: commit && `${commit}${dirty ? " (with uncommitted changes)" : ""}`,
    loadavg: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
