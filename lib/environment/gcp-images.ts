import { Problem, valueAt } from "./problems";

/** An image in Artifact Registry: `<location>-docker.pkg.dev/<project>/<repository>/<image>[:tag|@digest]`. */
const ARTIFACT_REGISTRY_IMAGE = /^([a-z0-9-]+)-docker\.pkg\.dev\/([a-z0-9.:-]+)\/([a-z0-9._-]+)\//;

/** The repository the bootstrap makes when service.image names none of the project's own. */
export const DEFAULT_REPOSITORY = "apps";

/**
 * The Artifact Registry repository a Google Cloud environment's bootstrap creates for the app's images:
 * the one service.image names, when that is in the environment's own project; otherwise `apps`.
 */
export function appRepository(env: { project: string; service: { image: string } }): { repositoryId: string } {
  const [, , project, repositoryId] = ARTIFACT_REGISTRY_IMAGE.exec(env.service.image) ?? [];
  return { repositoryId: project === env.project ? repositoryId : DEFAULT_REPOSITORY };
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
  const [, at, inProject, repository] = ARTIFACT_REGISTRY_IMAGE.exec(image) ?? [];
  if (inProject !== project || at === location) return [];
  return [{
    field: "service.image", value: image,
    message: `an image of this project's Artifact Registry in ${location}, where the bootstrap creates the repository: ${location}-docker.pkg.dev/${project}/${repository}/…`,
  }];
}
