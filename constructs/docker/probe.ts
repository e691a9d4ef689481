import { Construct } from "constructs";
import { Fn } from "cdktf";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import { healthcheck, oneShotContainer } from "./container";
import { dockerImage } from "./image";
import { dockerLabels, dockerNames } from "./names";

/** Where the probe is mounted in the app's containers: read-only, out of the way of anything an image has. */
const MOUNT = "/opt/portable-backend/probe";

export interface DockerProbeProps {
  /** Prefix of the probe's volume's and installer's names (`<name>-probe`, `<name>-probe-install-<image>`), and their ENVIRONMENT_LABEL: the environment's name. */
  readonly name: string;
  /** The image the probe is installed from: the proxy's (`images.proxy`), which ships images/httpcheck. */
  readonly image: string;
}

/**
 * The app's health check, which must work with any image (one without curl, or without a shell): the
 * project's static HTTP probe (images/httpcheck, shipped in the proxy image) is installed into a volume
 * the app's containers mount read-only, and Docker runs it against the health path on the app's port.
 * Docker's health status is what Terraform waits for before a replica counts as started; the proxy
 * checks the same path from outside on its own.
 */
export class DockerProbe extends Construct {
  /** Created once the probe is in the volume: the app's containers come after it. */
  readonly installed: Container;
  private readonly volume: string;

  constructor(scope: Construct, id: string, props: DockerProbeProps) {
    super(scope, id);
    const { name } = props;
    // Not data: always managed, and removed with the environment.
    this.volume = new Volume(this, "volume", { name: dockerNames(name).probeVolume, labels: dockerLabels(name) }).name;
    const image = dockerImage(this, "image", props.image).imageId;
    this.installed = oneShotContainer(this, "install", {
      environment: name,
      // Named by its image: the app's containers depend on it, which makes Terraform replace it create
      // before destroy, and a new proxy image is what replaces it.
      name: `${name}-probe-install-${Fn.substr(image, 7, 12)}`,
      image,
      entrypoint: ["/usr/bin/httpcheck", "-install", MOUNT],
      user: "0:0", // a new volume belongs to root
      volumes: [{ volumeName: this.volume, containerPath: MOUNT }],
      role: "probe-install",
      failure: "Installing the health probe failed",
    });
  }

  /** The mount and healthcheck of a container serving `path` on `port`: healthy on a 2xx answer, as the proxy counts it. */
  check(port: number, path: string) {
    return {
      volumes: [{ volumeName: this.volume, containerPath: MOUNT, readOnly: true }],
      healthcheck: healthcheck(["CMD", `${MOUNT}/httpcheck`, "-status", "200-299", "-timeout", "3s", `http://127.0.0.1:${port}${path}`]),
    };
  }
}
