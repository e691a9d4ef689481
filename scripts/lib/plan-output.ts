/**
 * The plan as `terraform show -no-color <planfile>` prints it, taken from what `terraform plan -no-color`
 * printed: the same rendering, after the progress lines of the refresh (`x: Refreshing state...`, a data
 * source's `Reading...`, an ephemeral resource's `Opening...`/`Closing...`). Rendering it again with `terraform show` would start every provider and load
 * its schema a second time, which for the google provider is a second of CPU per stack.
 */
export function planTextOf(planStdout: string): string {
  const lines = planStdout.split("\n");
  let start = 0;
  while (start < lines.length && PROGRESS.test(lines[start])) start++;
  return lines.slice(start).join("\n");
}

/** `<address>: <progress>` as terraform prints it while it refreshes and plans. */
const PROGRESS = /^\S.*?: (Refreshing state\.\.\.|Reading\.\.\.|Read complete after |Still reading\.\.\. |Preparing import\.\.\.|Import prepared!|Opening\.\.\.|Opening complete after |Closing\.\.\.|Closing complete after )/;
