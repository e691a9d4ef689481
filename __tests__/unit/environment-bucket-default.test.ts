import { EnvironmentError, validateEnvironment } from "../../lib/environment";
import { VALID_HETZNER } from "../support/valid-environment";

// Object Storage is offered in every EU Hetzner location today, so only a smaller list shows that a
// bucket whose location is left out is judged by the location it defaults to.
jest.mock("../../lib/residency/hetzner", () => ({ ...jest.requireActual("../../lib/residency/hetzner"), HETZNER_OBJECT_STORAGE_LOCATIONS: ["fsn1"] }));

const valid = { ...VALID_HETZNER, location: "nbg1" };

test("a bucket left in the environment's location is judged there: Object Storage must be offered in it", () => {
  let error: unknown;
  try { validateEnvironment(valid, "environments/test-env.ts"); } catch (err) { error = err; }
  expect(error).toBeInstanceOf(EnvironmentError);
  expect((error as Error).message.split("\n")).toEqual([
    "environments/test-env.ts: 1 problem, no stack was synthesized:",
    '  - bucket.location: (missing) — "nbg1" is not a Hetzner Object Storage location; use one of: fsn1 (bucket.location defaults to location; set it to one of them)',
  ]);
  expect(validateEnvironment({ ...valid, bucket: { location: "fsn1" } }, "environments/test-env.ts")).toMatchObject({ location: "nbg1", bucket: { location: "fsn1" } });
});
