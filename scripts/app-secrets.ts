/*
 * npm run app-secrets -- <stack>   (CI: the cloud-credentials action runs it)
 *
 * Puts the secrets that <stack>'s environment file names (`service.secrets`: SECRET_KEY from
 * ACME_SECRET_KEY; the backups' encryptionKey and off-site keys) where the next steps read them: each named variable, taken from the job's secrets
 * (SECRETS_JSON, the workflow's `toJSON(secrets)`), into $GITHUB_ENV. Only those: the job's other
 * secrets stay out of the environment. One the job lacks stays unset, so a plan or drift check reports
 * the stack "not checked" and a deploy fails naming it. Values are never printed (GitHub masks them too).
 */
import { randomBytes } from "node:crypto";
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { deployerVariables, loadEnvironments, stacksOf } from "../lib/environment";
import { runCli } from "./lib/cli";
import { PROJECT_ROOT } from "./lib/paths";

async function main(): Promise<void> {
  const [stack, ...rest] = process.argv.slice(2);
  if (!stack || rest.length) throw new Error("usage: npm run app-secrets -- <stack>");
  const { GITHUB_ENV: githubEnv, SECRETS_JSON: secretsJson } = process.env;
  if (!githubEnv) throw new Error("GITHUB_ENV is not set: this runs in a GitHub Actions step");
  let secrets: Record<string, unknown>;
  try {
    secrets = JSON.parse(secretsJson || "{}");
  } catch {
    throw new Error("SECRETS_JSON is not JSON (pass toJSON(secrets))"); // never quote it: it holds secrets
  }
  const environments = loadEnvironments(process.env.ENVIRONMENTS_DIR ?? join(PROJECT_ROOT, "environments"));
  const env = environments.find((e) => stacksOf(e).some((s) => s.name === stack));
  if (!env) throw new Error(`no environment "${stack}"; there are: ${environments.map((e) => e.name).join(", ")}`);
  for (const variable of deployerVariables(env)) {
    const value = secrets[variable];
    if (typeof value !== "string" || value === "") {
      console.log(`${variable}: not among this job's secrets; left unset`);
      continue;
    }
    // The multi-line form, with a delimiter no value can contain by chance.
    const delimiter = `EOF_${randomBytes(16).toString("hex")}`;
    appendFileSync(githubEnv, `${variable}<<${delimiter}\n${value}\n${delimiter}\n`);
    console.log(`${variable}: set from the job's secrets`);
  }
}

runCli("app-secrets", main);
