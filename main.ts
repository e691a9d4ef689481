import { join } from "node:path";
import { App } from "cdktf";
import { BackendStack, enforceResidency } from "./constructs/backend-stack";
import { loadEnvironments } from "./lib/environment";

// One stack per file in environments/, named after the file. Every file is validated, and the
// residency policy checked over every stack, before anything is written to cdktf.out.
const app = new App();
const stacks = loadEnvironments(join(__dirname, "environments")).map((env) => new BackendStack(app, env));
enforceResidency(stacks);
app.synth();
