/**
 * Helpers of the sweep tests: temporary directories, spawning the CLI scripts with their
 * output captured line by line, and stopping every process a test started.
 *
 * @module
 */

/** A spawned `deno run -A <script>` with its output lines. */
export interface Spawned {
  /** The process. */
  child: Deno.ChildProcess;
  /** Every stdout and stderr line so far. */
  lines: string[];
  /** Resolves with the exit status. */
  status: Promise<Deno.CommandStatus>;
  /** Resolves with the first line matching `re` (rejects after `timeoutMs`). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGKILLs the process if it still runs and waits for it. */
  kill(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
}

/** Spawns `deno run -A script ...args` from the repository root, capturing its lines. */
export function spawnScript(
  script: string,
  args: string[],
  onLine?: (line: string) => void,
): Spawned {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, ...args],
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
    env: { NO_COLOR: "1" },
  }).spawn();
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const dec = new TextDecoder();
    let buf = "";
    for await (const chunk of stream) {
      buf += dec.decode(chunk, { stream: true });
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        lines.push(line);
        onLine?.(line);
        for (const w of waiters.splice(0)) {
          if (w.re.test(line)) w.resolve(line);
          else waiters.push(w);
        }
      }
    }
    if (buf) lines.push(buf);
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  const status = pumps.then(() => child.status);
  let exited = false;
  status.then(() => (exited = true));
  return {
    child,
    lines,
    status,
    waitFor(re, timeoutMs = 60_000) {
      const hit = lines.find((l) => re.test(l));
      if (hit !== undefined) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(new Error(`timed out waiting for ${re} in:\n${lines.slice(-20).join("\n")}`)),
          timeoutMs,
        );
        waiters.push({
          re,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
        status.then(() => {
          clearTimeout(timer);
          reject(new Error(`process exited before ${re}:\n${lines.slice(-20).join("\n")}`));
        });
      });
    },
    async kill(signal: Deno.Signal = "SIGKILL") {
      if (!exited) {
        try {
          child.kill(signal);
        } catch { /* already gone */ }
      }
      return await status;
    },
  };
}

/** The bytes of `dir/name` for each name. */
export async function readFiles(
  dir: string,
  names: readonly string[],
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const n of names) out[n] = await Deno.readTextFile(`${dir}/${n}`);
  return out;
}

/** The result files that must be byte-identical between runs. */
export const EXACT_FILES = ["results.json", "episodes.csv", "summary.csv", "paired.csv"] as const;
