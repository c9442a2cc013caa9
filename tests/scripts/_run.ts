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

/**
 * Starts `scripts/<name>.ts` with `args` and kills it with SIGKILL as soon as `ready()` holds
 * (polled every 5 ms), up to `attempts` times until a kill lands before the script's output
 * `out` exists (each failed attempt's output and `cleanup()` are removed first). True when a
 * kill landed: the resume tests then run the same command again.
 */
export async function killWhen(
  name: string,
  args: string[],
  out: string,
  ready: () => boolean,
  cleanup: () => void = () => {},
  attempts = 4,
): Promise<boolean> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    cleanup();
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${ROOT}scripts/${name.replaceAll(/[:-]/g, "_")}.ts`, ...args],
      cwd: ROOT,
      stdout: "null",
      stderr: "null",
    }).spawn();
    let done = false;
    const status = child.status.then((s) => (done = true, s));
    while (!done && !ready()) await new Promise((r) => setTimeout(r, 5));
    if (!done) child.kill("SIGKILL");
    await status;
    if (!exists(out)) return true;
    Deno.removeSync(out, { recursive: true });
  }
  return false;
}

/** Whether `path` exists (any kind of entry). */
export function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}
