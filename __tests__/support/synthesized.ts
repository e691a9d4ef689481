/** A synthesized stack's (`Testing.synth`) resources of `type`, as [construct id, configuration] pairs. */
export const resourcesOf = (json: string, type: string): [string, any][] => Object.entries<any>(JSON.parse(json).resource?.[type] ?? {});

/** The one resource of `type` in a synthesized stack (the test fails if there is not exactly one). */
export function onlyResource(json: string, type: string): [string, any] {
  const all = resourcesOf(json, type);
  expect(all).toHaveLength(1);
  return all[0];
}
