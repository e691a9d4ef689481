import { Construct } from "constructs";
import { dockerNames } from "./names";
import { DockerRelease } from "./release";

/** One of the app's workers (`workers.<name>`). */
export interface DockerWorker {
  /** What it runs, in the app's image (`workers.<name>.command`). */
  readonly command: readonly string[];
  /**
   * How many containers run it (`workers.<name>.replicas`).
   * @default 1
   */
  readonly replicas?: number;
}

export interface DockerWorkersProps {
  /** Prefix of the containers' names (worker w's replica i is `<name>-worker-<w>-<i>-<release id>`): the environment's name. */
  readonly name: string;
  /** The release whose image and environment they run, started once its release command succeeded. */
  readonly release: DockerRelease;
  /** The workers, by name (`workers`). */
  readonly workers: Readonly<Record<string, DockerWorker>>;
}

/**
 * The app's workers: containers of the release's image and environment, each running its worker's
 * command, restarted when they fail. They publish nothing and nothing reaches them; they join the edge
 * network only for their way out (a mail server, an API).
 */
export class DockerWorkers extends Construct {
  constructor(scope: Construct, id: string, props: DockerWorkersProps) {
    super(scope, id);
    const names = dockerNames(props.name);
    for (const [worker, { command, replicas = 1 }] of Object.entries(props.workers)) {
      for (let i = 1; i <= replicas; i++) {
        props.release.container(this, `${worker}-${i}`, { name: names.worker(worker, i), role: "worker", command: [...command], port: false });
      }
    }
  }
}
