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

/**
 * How many cores other work kept busy while this process sat idle for `sampleMs` (from the kernel's
 * per-core CPU times). Unlike the load average, a one-minute mean, it does not still count the
 * benchmark that ran just before.
 */
export async function busyCores(sampleMs = 1000): Promise<number> {
  const totals = () => cpus().reduce((sum, cpu) => {
    const { idle, ...busy } = cpu.times;
    const used = Object.values(busy).reduce((a, b) => a + b, 0);
    return { used: sum.used + used, all: sum.all + used + idle };
  }, { used: 0, all: 0 });
  const start = totals();
  await new Promise((resolve) => setTimeout(resolve, sampleMs));
  const end = totals();
  const all = end.all - start.all;
  return all > 0 ? Math.round(((end.used - start.used) / all) * cpus().length * 100) / 100 : 0;
}
