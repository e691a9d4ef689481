import { join } from "node:path";
import execa from "execa";
import { ROOT } from "./helpers";

jest.setTimeout(300_000);

// The project's own provider (providers/portable): its Go tests, with the Go the setup requires.
test("go test ./... passes in providers/portable", () => {
  const result = execa.sync("go", ["test", "./..."], {
    cwd: join(ROOT, "providers", "portable"), reject: false, env: { GOTOOLCHAIN: "local", GOFLAGS: "-mod=readonly" },
  });
  expect({ code: result.exitCode, output: result.stdout + result.stderr }).toEqual({ code: 0, output: expect.stringMatching(/^ok\s+\S+\/internal\/provider/m) });
});
