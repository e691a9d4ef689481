import { readFileSync } from "node:fs";
import { z } from "zod";

/**
 * A JSON file checked against `schema`. Every failure names the file and what it should have been,
 * because these files come from another job (a CI artifact) and the reader is the first to see them.
 */
export function readJsonFile<T>(file: string, schema: z.ZodType<T>, what: string): T {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`${file}: cannot read ${what} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON, expected ${what} (${(err as Error).message})`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new Error(`${file}: not ${what}:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
