import { join } from "node:path";
import execa from "execa";
import { ROOT } from "./helpers";

jest.setTimeout(300_000);

// The project's own providers (providers/: portable, s3): their Go tests, with the Go the setup requires.
test("go test ./... passes in providers/", () => {
  const result = execa.sync("go", ["test", "./..."], {
    cwd: join(ROOT, "providers"), reject: false, env: { GOTOOLCHAIN: "local", GOFLAGS: "-mod=readonly" },
  });
  const output = result.stdout + result.stderr;
  expect({ code: result.exitCode, output }).toEqual({ code: 0, output: expect.stringMatching(/^ok\s+\S+\/internal\/portable/m) });
  expect(output).toMatch(/^ok\s+\S+\/internal\/s3/m);
});
