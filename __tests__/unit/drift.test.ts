import { driftedResources, DriftEntry, driftOf } from "../../scripts/drift/changes";
import { SchemaBlock } from "../../scripts/drift/schema-diff";
import { exitCodeOf } from "../../scripts/drift";
import { redact, redactPlan, REDACTED } from "../../scripts/lib/redact-plan";
import { StackDrift } from "../../scripts/lib/stack-results";

// A slice of the docker provider's docker_container schema, as `terraform providers schema -json` prints it.
const CONTAINER: SchemaBlock = {
  attributes: {
    name: { type: "string", required: true },
    must_run: { type: "bool", optional: true },
    dns: { type: ["set", "string"], optional: true },
    env: { type: ["set", "string"], optional: true, computed: true },
    exit_code: { type: "number", computed: true },
    network_data: { type: ["list", ["object", { ip_address: "string" }]], computed: true },
    extra_tags: { type: ["map", "string"], optional: true },
  },
  block_types: {
    networks_advanced: { nesting_mode: "set", block: { attributes: { name: { type: "string", required: true }, gw_priority: { type: "number", optional: true } } } },
    ports: { nesting_mode: "list", block: { attributes: { internal: { type: "number", required: true }, external: { type: "number", optional: true } } } },
  },
};
const schemaOf = () => CONTAINER;

const entry = (before: Record<string, unknown>, after: Record<string, unknown> | null, actions = ["update"], masks: Pick<DriftEntry["change"], "before_sensitive" | "after_sensitive"> = {}): DriftEntry => ({
  address: "docker_container.app", type: "docker_container", provider_name: "registry.terraform.io/kreuzwerker/docker",
  change: { actions, before, after, ...masks },
});

const deployed = {
  name: "local-app-1", must_run: true, dns: null, env: ["DATABASE_URL=postgres://app:s3cret@db/app"], exit_code: null,
  network_data: [{ ip_address: "172.18.0.2" }, { ip_address: "172.19.0.2" }], extra_tags: { team: "a" },
  networks_advanced: [{ name: "edge", gw_priority: null }, { name: "internal", gw_priority: null }], ports: [{ internal: 80, external: 8080 }],
};

describe("drift: what changed outside Terraform, judged by the provider schema", () => {
  test("read-back noise of a fresh deploy is not drift: empty for null, defaults, set order, read-only attributes", () => {
    const refreshed = {
      ...deployed, dns: [], exit_code: 0, network_data: [{ ip_address: "172.19.0.5" }, { ip_address: "172.18.0.3" }],
      networks_advanced: [{ name: "internal", gw_priority: 0 }, { name: "edge", gw_priority: 0 }],
    };
    expect(driftedResources([entry(deployed, refreshed)], schemaOf)).toEqual([]);
  });

  test("a stopped container: must_run flips, named with its address", () => {
    expect(driftedResources([entry(deployed, { ...deployed, must_run: false, exit_code: 137 })], schemaOf)).toEqual([
      { address: "docker_container.app", type: "docker_container", action: "update", changes: [{ path: "must_run", before: true, after: false }] },
    ]);
  });

  test("a removed resource is a delete with no attribute list", () => {
    expect(driftedResources([entry(deployed, null, ["delete"])], schemaOf)).toEqual([
      { address: "docker_container.app", type: "docker_container", action: "delete", changes: [] },
    ]);
  });

  test("maps are compared key by key; lists of blocks element by element; sets as a whole", () => {
    const changed = { ...deployed, extra_tags: { team: "b", owner: "x" }, ports: [{ internal: 80, external: 9090 }], networks_advanced: [{ name: "edge" }] };
    const [resource] = driftedResources([entry(deployed, changed)], schemaOf);
    expect(resource.changes.map((c) => c.path)).toEqual(["extra_tags.owner", "extra_tags.team", "networks_advanced", "ports[0].external"]);
  });

  test("values of secret-looking attributes are hidden even when the provider does not mark them sensitive", () => {
    const [resource] = driftedResources([entry(deployed, { ...deployed, env: ["DATABASE_URL=postgres://app:other@db/app"] })], schemaOf);
    expect(resource.changes).toEqual([{ path: "env", before: REDACTED, after: REDACTED }]);
    expect(JSON.stringify(resource)).not.toContain("s3cret");
  });

  describe("values Terraform marks sensitive are compared, and hidden in what is reported", () => {
    // A refresh-only plan as `terraform show -json` prints it: sensitive values in clear, with masks beside them.
    const sensitive = (masks: unknown, changed: Record<string, unknown>) =>
      driftedResources([entry(deployed, { ...deployed, ...changed }, ["update"], { before_sensitive: masks as any, after_sensitive: masks as any })], schemaOf);

    test("a whole sensitive attribute that drifted is reported as changed, without its values", () => {
      expect(sensitive({ extra_tags: true }, { extra_tags: { team: "hunter-b" } })).toEqual([
        { address: "docker_container.app", type: "docker_container", action: "update", changes: [{ path: "extra_tags.team", before: REDACTED, after: REDACTED }] },
      ]);
    });

    test("a container's whole env, sensitive in state: its drift is seen", () => {
      const [resource] = sensitive({ env: true }, { env: ["DATABASE_URL=postgres://app:rotated@db/app"] });
      expect(resource.changes).toEqual([{ path: "env", before: REDACTED, after: REDACTED }]);
      expect(JSON.stringify(resource)).not.toMatch(/s3cret|rotated/);
    });

    test("one sensitive key of a map is hidden; the map's other keys are shown", () => {
      const [resource] = sensitive({ extra_tags: { team: true } }, { extra_tags: { team: "hunter-b", owner: "ops" } });
      expect(resource.changes).toEqual([{ path: "extra_tags.owner", before: null, after: "ops" }, { path: "extra_tags.team", before: REDACTED, after: REDACTED }]);
    });

    test("a set of blocks with a sensitive field inside, and a whole sensitive resource, are hidden too", () => {
      const [sets] = sensitive({ networks_advanced: [{ name: true }, {}] }, { networks_advanced: [{ name: "hunter-net" }] });
      expect(sets.changes).toEqual([{ path: "networks_advanced", before: REDACTED, after: REDACTED }]);
      const [whole] = sensitive(true, { must_run: false });
      expect(whole.changes).toEqual([{ path: "must_run", before: REDACTED, after: REDACTED }]);
    });

    test("a value sensitive on one side only is hidden on both", () => {
      const [resource] = driftedResources([entry(deployed, { ...deployed, extra_tags: { team: "hunter-b" } }, ["update"], { after_sensitive: { extra_tags: true } })], schemaOf);
      expect(resource.changes).toEqual([{ path: "extra_tags.team", before: REDACTED, after: REDACTED }]);
    });

    test("unmarked neighbours stay visible: masks hide what they mark, no more", () => {
      const [resource] = sensitive({ extra_tags: true }, { must_run: false });
      expect(resource.changes).toEqual([{ path: "must_run", before: true, after: false }]);
    });
  });

  test("terraform output that is not JSON is an error that quotes none of it", () => {
    const cut = JSON.stringify({ resource_drift: [{ change: { before: { value: "hunter-secret-value" } } }] }).slice(0, -5);
    expect(() => driftOf(cut, "{}")).toThrow(/^terraform show -json printed no valid JSON \(\d+ characters; not shown here/);
    expect(() => driftOf(cut, "{}")).not.toThrow(/hunter/);
  });

  test("without a schema, leaf differences are listed and null still equals empty", () => {
    const [resource] = driftedResources([entry({ a: null, b: { c: 1 } }, { a: [], b: { c: 2 } })]);
    expect(resource.changes).toEqual([{ path: "b.c", before: 1, after: 2 }]);
  });
});

describe("plan files leave the machine redacted", () => {
  test("values Terraform marks sensitive are replaced, at any depth", () => {
    expect(redact({ a: "x", b: ["p", "q"], c: { d: "secret" } }, { b: [false, true], c: { d: true } })).toEqual({ a: "x", b: ["p", REDACTED], c: { d: REDACTED } });
  });

  test("variables, prior state and planned values are dropped; changes are redacted", () => {
    const plan = {
      format_version: "1.2", variables: { object_storage_secret_key: { value: "topsecret" } },
      prior_state: { values: { result: "topsecret" } }, planned_values: { root_module: {} },
      resource_changes: [{ address: "random_password.db", change: { actions: ["create"], before: null, after: { result: "topsecret" }, after_sensitive: { result: true } } }],
      output_changes: { url: { before: null, after: "postgres://topsecret", after_sensitive: true } },
    };
    const redacted = redactPlan(plan);
    expect(JSON.stringify(redacted)).not.toContain("topsecret");
    expect(Object.keys(redacted)).not.toEqual(expect.arrayContaining(["variables"]));
    expect((redacted.resource_changes as any)[0].change.after).toEqual({ result: REDACTED });
  });
});

describe("drift exit codes: 0 clean, 2 drift, 1 failed or not checked", () => {
  const stack = (status: StackDrift["status"]): StackDrift => ({ stack: status, provider: "docker", status, resources: [] });
  const code = (...statuses: StackDrift["status"][]) => exitCodeOf({ generatedAt: "", stacks: statuses.map(stack) });

  test.each([
    [["clean", "clean"], 0],
    [["clean", "drifted"], 2],
    [["drifted", "not-checked"], 2],
    [["clean", "not-checked"], 1],
    [["clean", "failed"], 1],
  ] as const)("%j → %d", (statuses, expected) => expect(code(...statuses)).toBe(expected));
});
