import { join } from "node:path";
import { createBackendApp } from "./constructs/backend-app";

createBackendApp({ environmentsDir: process.env.ENVIRONMENTS_DIR ?? join(__dirname, "environments") }).synth();
