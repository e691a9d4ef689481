import { Construct } from "constructs";
import { ContainerEnvironment } from "./environment";
import { dockerNames } from "./names";
import { DockerRelease } from "./release";

/**
 * The app's workers: containers of the release's image and environment, each running its worker's
 * command, restarted when they fail. They publish nothing and nothing reaches them; they join the edge
 * network only for their way out (a mail server, an API).
 */
export class DockerWorkers extends Construct {
  constructor(scope: Construct, id: string, env: ContainerEnvironment, release: DockerRelease) {
    super(scope, id);
    const names = dockerNames(env);
    for (const [worker, { command, replicas }] of Object.entries(env.workers)) {
      for (let i = 1; i <= replicas; i++) {
        release.container(this, `${worker}-${i}`, { name: names.worker(worker, i), role: "worker", command, port: false });
      }
    }
  }
}
