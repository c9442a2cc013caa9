/**
 * Runs one of `scripts/*.ts` in a child Deno (from the repository root, colours off) and
 * returns its exit code, stdout and stderr, for the CLI tests.
 *
 * @module
 */
const ROOT = new URL("../../", import.meta.url).pathname;

/** Exit code and decoded output of a script run. */
export interface ScriptRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `scripts/<name>.ts` with `args` (a task name's `:` and `-` read as `_`: `notebooks:build`, `sim-tape`). */
export async function runScript(name: string, args: string[]): Promise<ScriptRun> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}scripts/${name.replaceAll(/[:-]/g, "_")}.ts`, ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
