import { Problem, valueAt } from "./problems";

/** An image in Artifact Registry: `<location>-docker.pkg.dev/<project>/<repository>/<image>[:tag|@digest]`. */
const ARTIFACT_REGISTRY_IMAGE = /^([a-z0-9-]+)-docker\.pkg\.dev\/([a-z0-9.:-]+)\/([a-z0-9._-]+)\//;

/** Where an Artifact Registry image is; nothing for an image of another registry. */
function registryOf(image: string): { location: string; project: string; repository: string } | undefined {
  const [, location, project, repository] = ARTIFACT_REGISTRY_IMAGE.exec(image) ?? [];
  return location === undefined ? undefined : { location, project, repository };
}

/** The repository the bootstrap makes when service.image names none of the project's own. */
export const DEFAULT_REPOSITORY = "apps";

/**
 * The Artifact Registry repository a Google Cloud environment's bootstrap creates for the app's images:
 * the one service.image names, when that is in the environment's own project; otherwise `apps`.
 */
export function appRepository(env: { project: string; service: { image: string } }): { repositoryId: string } {
  const registry = registryOf(env.service.image);
  return { repositoryId: registry?.project === env.project ? registry.repository : DEFAULT_REPOSITORY };
}

/**
 * service.image in a repository of the environment's own project must be in the repository the bootstrap
 * creates, in the environment's region: an image pulled from another region's repository would be
 * refused nowhere, but the repository named would not be the one that exists.
 */
export function gcpImageProblems(raw: unknown): Problem[] {
  const image = valueAt(raw, ["service", "image"]);
  const project = valueAt(raw, ["project"]);
  const location = valueAt(raw, ["location"]);
  if (typeof image !== "string" || typeof project !== "string" || typeof location !== "string") return [];
  const registry = registryOf(image);
  if (registry?.project !== project || registry.location === location) return [];
  return [{
    field: "service.image", value: image,
    message: `an image of this project's Artifact Registry in ${location}, where the bootstrap creates the repository: ${location}-docker.pkg.dev/${project}/${registry.repository}/…`,
  }];
}
