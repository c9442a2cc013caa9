/**
 * `deno task lab`: opens the notebooks live. Starts a Jupyter server on 127.0.0.1 in
 * notebooks/ with the project's Deno kernel — the classic Notebook server by default
 * (installed from Debian's `jupyter-notebook` package when missing and running as root),
 * JupyterLab with `--lab` when it is installed — and prints the URL to open. Stops with
 * Ctrl-C.
 *
 * Usage: `deno task lab [--lab] [--port N] [--dir DIR]`
 *
 * The server finds the kernel through `JUPYTER_PATH` (`out/jupyter`, written here), so it
 * works even where `deno task setup` could not register the kernel for the user.
 *
 * @module
 */
import { defineCli, flags, parseOrExit } from "./_cli.ts";
import { findNotebookServer, type ServerCommand, writeDenoKernelspec } from "./_jupyter.ts";
import { randomToken } from "./_notebook_server.ts";

/** The command line of `deno task lab` (exported for the CLI tests). */
export const labCli = defineCli({
  name: "lab",
  summary: "Starts a Jupyter server on 127.0.0.1 in notebooks/ with the project's Deno " +
    "kernel (classic Notebook; JupyterLab with --lab) and prints the URL to open.",
  flags: {
    lab: flags.boolean({ help: "start JupyterLab instead of the classic Notebook server" }),
    port: flags.int({
      min: 1024,
      max: 65_535,
      default: 8888,
      help: "port to listen on",
      meta: "N",
    }),
    dir: flags.inDir({ default: "notebooks", help: "directory to serve" }),
  },
});

/** Options of {@linkcode serverArgs}. */
export interface ServerOptions {
  /** JupyterLab (true) or the classic Notebook server. */
  lab: boolean;
  /** Port on 127.0.0.1. */
  port: number;
  /** Directory served (absolute). */
  dir: string;
  /** Access token. */
  token: string;
  /** Running as root (Jupyter then needs `--allow-root`). */
  root: boolean;
}

/** The server's command-line options: local only, fixed port, no browser, our token. */
export function serverArgs(o: ServerOptions): string[] {
  const app = o.lab ? "ServerApp" : "NotebookApp";
  return [
    "--no-browser",
    `--${app}.ip=127.0.0.1`,
    `--${app}.port=${o.port}`,
    `--${app}.port_retries=0`,
    `--${app}.token=${o.token}`,
    `--${app}.${o.lab ? "root_dir" : "notebook_dir"}=${o.dir}`,
    ...(o.root ? ["--allow-root"] : []),
  ];
}

/** The URL a person opens: the server's file tree, with the token. */
export function serverUrl(port: number, token: string, lab: boolean): string {
  return `http://127.0.0.1:${port}/${lab ? "lab" : "tree"}?token=${token}`;
}

function isRoot(): boolean {
  try {
    return Deno.uid() === 0;
  } catch {
    return false;
  }
}

/** Waits until the server answers its API (true) or the process ends or time runs out. */
async function waitReady(
  port: number,
  token: string,
  exited: () => boolean,
  timeoutMs = 60_000,
): Promise<boolean> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs && !exited()) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/api/status?token=${token}`);
      await r.body?.cancel();
      if (r.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((res) => setTimeout(res, 250));
  }
  return false;
}

async function main(): Promise<number> {
  const v = await parseOrExit(labCli);
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const dir = await Deno.realPath(v.dir);
  const server: ServerCommand | undefined = await findNotebookServer(v.lab, true);
  if (!server) {
    console.error(
      v.lab
        ? "error: JupyterLab is not installed (pip install --user jupyterlab); " +
          "`deno task lab` without --lab starts the classic Notebook server"
        : "error: no Jupyter Notebook server (apt-get install jupyter-notebook, as root, " +
          "or pip install --user notebook)",
    );
    return 1;
  }
  const jupyterPath = `${root}/out/jupyter`;
  await writeDenoKernelspec(jupyterPath);
  const prev = Deno.env.get("JUPYTER_PATH");
  const token = randomToken();
  const child = new Deno.Command(server.cmd, {
    args: [
      ...server.args,
      ...serverArgs({ lab: v.lab, port: v.port, dir, token, root: isRoot() }),
    ],
    env: { JUPYTER_PATH: prev ? `${jupyterPath}:${prev}` : jupyterPath },
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  let done = false;
  const status = child.status.then((s) => {
    done = true;
    return s;
  });
  const stop = () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // already gone
    }
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  if (await waitReady(v.port, token, () => done)) {
    console.log(
      `\n${v.lab ? "JupyterLab" : "Jupyter Notebook"} serving ${dir} with the Deno kernel:\n` +
        `  ${serverUrl(v.port, token, v.lab)}\n` +
        `Open a notebook; its kernel is "Deno". Ctrl-C stops the server.\n`,
    );
  } else if (!done) {
    console.error(`error: the server did not answer on 127.0.0.1:${v.port} within 60 s`);
    stop();
  }
  const s = await status;
  if (!s.success && s.signal === null) {
    console.error(
      `the server exited with code ${s.code} (port ${v.port} busy? try --port ${v.port + 1})`,
    );
  }
  return s.success || s.signal !== null ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main());
