import type execa from "execa";

/**
 * The restore drill a user runs against a deployed environment: a row, `npm run backup`, the table
 * dropped, `npm run restore --from` that dump, the row back. `npmRun` runs a project script with the
 * environment's settings, `psql` a statement in its database (returning the output).
 */
export async function backupRestoreDrill(env: string, npmRun: (script: string, args: string[]) => Promise<execa.ExecaReturnValue>, psql: (sql: string) => Promise<string>): Promise<void> {
  const marker = `${env}-drill-${Date.now()}`;
  await psql("CREATE TABLE IF NOT EXISTS drill (id serial PRIMARY KEY, note text NOT NULL)");
  await psql(`INSERT INTO drill (note) VALUES ('${marker}')`);
  const backup = await npmRun("backup", [env]);
  expect({ exitCode: backup.exitCode, stderr: backup.exitCode === 0 ? "" : backup.stderr }).toEqual({ exitCode: 0, stderr: "" });
  const key = /backups\/app-\d{8}T\d{6}Z\.dump/.exec(backup.stdout)?.[0];
  expect(key).toBeDefined();
  await psql("DROP TABLE drill");
  const restore = await npmRun("restore", [env, "--from", key!]);
  expect({ exitCode: restore.exitCode, stderr: restore.exitCode === 0 ? "" : restore.stderr }).toEqual({ exitCode: 0, stderr: "" });
  expect(await psql(`SELECT note FROM drill WHERE note = '${marker}'`)).toBe(marker);
}
