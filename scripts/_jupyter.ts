/**
 * Jupyter tooling for the notebook pipeline: makes sure a Python with nbclient and
 * nbconvert exists (installing Debian packages as root, else `pip install --user`),
 * registers the Deno kernel in a project-local kernelspec directory (used by the tests
 * through `JUPYTER_PATH`) and, for people, where `jupyter` looks by default
 * ({@linkcode installUserKernelspec}: `~/.local/share/jupyter/kernels/deno`, pointing at
 * a deno binary that stays put, {@linkcode stableDeno}), finds or installs the classic
 * Notebook server and Chromium, and carries the small Python executor the notebook
 * runner uses.
 *
 * Why a custom executor instead of `jupyter nbconvert --execute`: the Deno kernel
 * sometimes publishes a cell's outputs a fraction of a millisecond AFTER its
 * `status: idle` message, and nbclient stops listening for a cell at idle, so
 * outputs were dropped at random (measured: about one cell in four). The executor
 * subclasses nbclient's `NotebookClient` and keeps draining IOPub for a short quiet
 * period after idle. It then writes the executed notebook and its HTML export (lab
 * template, with the template's external `<script src>` tags — require.js and MathJax, CDN or file:// —
 * removed so the page is fully offline).
 *
 * @module
 */
import { V8_FLAGS } from "./_v8.ts";

/** What {@linkcode ensureJupyter} found or installed. */
export interface JupyterSetup {
  /** A Python interpreter that imports nbclient, nbconvert and jupyter_client. */
  python: string;
  /** Directory to prepend to `JUPYTER_PATH` (holds `kernels/deno/kernel.json`). */
  jupyterPath: string;
  /** Environment for subprocesses (JUPYTER_PATH set). */
  env: Record<string, string>;
}

async function run(
  cmd: string,
  args: string[],
  quiet = true,
): Promise<{ ok: boolean; out: string }> {
  try {
    const r = await new Deno.Command(cmd, {
      args,
      stdout: quiet ? "piped" : "inherit",
      stderr: quiet ? "piped" : "inherit",
      stdin: "null",
    }).output();
    const dec = new TextDecoder();
    return { ok: r.success, out: quiet ? dec.decode(r.stdout) + dec.decode(r.stderr) : "" };
  } catch (e) {
    return { ok: false, out: String(e) };
  }
}

function isRoot(): boolean {
  try {
    return Deno.uid() === 0;
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

const PY_CANDIDATES = ["python3", "/usr/bin/python3", "python"];

/** The first Python that can import nbclient, nbconvert and jupyter_client, if any. */
export async function findPython(): Promise<string | undefined> {
  const env = Deno.env.get("ALPE_PYTHON");
  for (const py of env ? [env, ...PY_CANDIDATES] : PY_CANDIDATES) {
    const r = await run(py, ["-c", "import nbclient, nbconvert, jupyter_client"]);
    if (r.ok) return py;
  }
  return undefined;
}

/** Installs Debian `packages` with apt-get when running as root on Debian; true on success. */
export async function aptInstall(packages: string[]): Promise<boolean> {
  if (!isRoot() || !(await exists("/usr/bin/apt-get"))) return false;
  console.log(`installing ${packages.join(" ")} with apt-get…`);
  const apt = (args: string[]) =>
    run("env", ["DEBIAN_FRONTEND=noninteractive", "apt-get", ...args]);
  const install = ["install", "-y", "--no-install-recommends", ...packages];
  let r = await apt(install);
  if (!r.ok) {
    // A fresh image may have no package lists yet.
    await apt(["update"]);
    r = await apt(install);
  }
  if (!r.ok) console.error(`apt-get install ${packages.join(" ")} failed:\n${r.out.slice(-2000)}`);
  return r.ok;
}

/** Marks kernelspecs written by ALPE (so that set-up may replace them, and only them). */
export const KERNELSPEC_TAG = "alpe: deno task setup";

/** A Jupyter kernelspec (`kernel.json`), the fields ALPE writes. */
export interface Kernelspec {
  /** Command line of the kernel. */
  argv: string[];
  /** Name shown in the kernel menu. */
  display_name: string;
  /** Language of the kernel. */
  language: string;
  /** Environment of the kernel process. */
  env: Record<string, string>;
  /** Who wrote it. */
  metadata: { registered_by: string };
}

/** The kernelspec of the Deno kernel run by `deno` at `denoPath`. */
export function denoKernelspec(denoPath: string): Kernelspec {
  return {
    argv: [denoPath, "jupyter", "--kernel", "--conn", "{connection_file}"],
    display_name: "Deno",
    language: "typescript",
    // The project's V8 flags (scripts/_v8.ts): workers started from a notebook run optimized.
    env: { DENO_V8_FLAGS: V8_FLAGS },
    metadata: { registered_by: KERNELSPEC_TAG },
  };
}

/**
 * Writes the Deno kernelspec into `<dir>/kernels/deno/kernel.json` (the kernel run by
 * `denoPath`, default the running deno).
 */
export async function writeDenoKernelspec(
  dir: string,
  denoPath: string = Deno.execPath(),
): Promise<string> {
  const kdir = `${dir}/kernels/deno`;
  await Deno.mkdir(kdir, { recursive: true });
  await Deno.writeTextFile(
    `${kdir}/kernel.json`,
    JSON.stringify(denoKernelspec(denoPath), null, 1) + "\n",
  );
  return kdir;
}

/** The environment variables the user-level paths below depend on. */
export type PathEnv = Partial<
  Record<"HOME" | "XDG_DATA_HOME" | "JUPYTER_DATA_DIR" | "APPDATA", string>
>;

function envOf(names: (keyof PathEnv)[]): PathEnv {
  const out: PathEnv = {};
  for (const n of names) {
    try {
      const v = Deno.env.get(n);
      if (v) out[n] = v;
    } catch {
      // no env permission
    }
  }
  return out;
}

/**
 * Jupyter's user data directory, where `jupyter` looks for kernels by default
 * (`jupyter --data-dir`): `$JUPYTER_DATA_DIR`, else `$XDG_DATA_HOME/jupyter` or
 * `~/.local/share/jupyter` on Linux, `~/Library/Jupyter` on macOS, `%APPDATA%\jupyter`
 * on Windows. Undefined when no home directory is known.
 */
export function jupyterDataDir(
  env: PathEnv = envOf(["HOME", "XDG_DATA_HOME", "JUPYTER_DATA_DIR", "APPDATA"]),
  os: typeof Deno.build.os = Deno.build.os,
): string | undefined {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  if (os === "windows") return env.APPDATA ? `${env.APPDATA}\\jupyter` : undefined;
  if (!env.HOME) return undefined;
  if (os === "darwin") return `${env.HOME}/Library/Jupyter`;
  return `${env.XDG_DATA_HOME || `${env.HOME}/.local/share`}/jupyter`;
}

/** True when `path` lies in a package-manager cache that may be cleaned (npx, npm, deno). */
export function isCachePath(path: string): boolean {
  return /[\\/](_npx|\.npm|\.cache|node_modules|\.deno[\\/]npm)[\\/]/.test(path);
}

/**
 * A deno binary that stays put, for the user-level kernelspec, first of: the running deno
 * when it is not in a package cache (e.g. /usr/bin/deno, ~/.deno/bin/deno); a `deno` on
 * `PATH` outside caches (the PATH entry itself, e.g. a /usr/bin/deno symlink into a global
 * npm install, so upgrades keep working); otherwise (deno run through `npx deno`, whose
 * cache can be cleaned) a copy at `<data home>/alpe/deno-<version>/deno`, made once.
 * Returns the path and whether it was copied now.
 */
export async function stableDeno(
  env: PathEnv & { PATH?: string } = { ...envOf(["HOME", "XDG_DATA_HOME"]), PATH: pathVar() },
  execPath: string = Deno.execPath(),
): Promise<{ path: string; copied: boolean } | undefined> {
  if (!isCachePath(execPath)) return { path: execPath, copied: false };
  const exe = Deno.build.os === "windows" ? "deno.exe" : "deno";
  const sep = Deno.build.os === "windows" ? ";" : ":";
  for (const dir of (env.PATH ?? "").split(sep)) {
    const p = `${dir}/${exe}`;
    if (dir && dir.startsWith("/") && !isCachePath(p) && await exists(p)) {
      return { path: p, copied: false };
    }
  }
  if (!env.HOME) return undefined;
  const dir = `${env.XDG_DATA_HOME || `${env.HOME}/.local/share`}/alpe/deno-${Deno.version.deno}`;
  const target = `${dir}/${exe}`;
  if (await exists(target)) return { path: target, copied: false };
  await Deno.mkdir(dir, { recursive: true });
  const tmp = `${target}.tmp-${Deno.pid}`;
  await Deno.copyFile(execPath, tmp);
  if (Deno.build.os !== "windows") await Deno.chmod(tmp, 0o755);
  await Deno.rename(tmp, target);
  return { path: target, copied: true };
}

function pathVar(): string | undefined {
  try {
    return Deno.env.get("PATH");
  } catch {
    return undefined;
  }
}

/** What {@linkcode installUserKernelspec} did. */
export interface UserKernelspec {
  /** The kernelspec file. */
  file: string;
  /** The deno binary it runs. */
  deno: string;
  /** "written", "unchanged", or "kept" (a Deno kernelspec not written by ALPE that works). */
  action: "written" | "unchanged" | "kept";
}

/**
 * Registers the Deno kernel for the current user where `jupyter` looks by default
 * (`<jupyterDataDir>/kernels/deno/kernel.json`, like `jupyter kernelspec install --user`),
 * running `denoPath`. A Deno kernelspec that ALPE did not write and whose binary exists
 * (e.g. from `deno jupyter --install`) is kept.
 */
export async function installUserKernelspec(
  denoPath: string,
  dataDir: string | undefined,
): Promise<UserKernelspec | undefined> {
  if (!dataDir) return undefined;
  const file = `${dataDir}/kernels/deno/kernel.json`;
  const wanted = JSON.stringify(denoKernelspec(denoPath), null, 1) + "\n";
  try {
    const text = await Deno.readTextFile(file);
    if (text === wanted) return { file, deno: denoPath, action: "unchanged" };
    const old = JSON.parse(text) as { argv?: string[]; metadata?: { registered_by?: string } };
    const oldDeno = old.argv?.[0];
    if (old.metadata?.registered_by !== KERNELSPEC_TAG && oldDeno && await exists(oldDeno)) {
      return { file, deno: oldDeno, action: "kept" };
    }
  } catch {
    // missing or unreadable: write it
  }
  await writeDenoKernelspec(dataDir, denoPath);
  return { file, deno: denoPath, action: "written" };
}

/** How to start a Jupyter server: the command and its leading arguments. */
export interface ServerCommand {
  /** Executable. */
  cmd: string;
  /** Arguments before the server's options. */
  args: string[];
}

/**
 * Finds the classic Notebook server (`lab` false: `jupyter-notebook`, or
 * `python3 -m notebook`) or JupyterLab (`jupyter-lab`, `python3 -m jupyterlab`). With
 * `install`, a missing classic Notebook is installed from Debian's `jupyter-notebook`
 * package (as root); JupyterLab has no Debian package and is never installed here.
 */
export async function findNotebookServer(
  lab = false,
  install = true,
): Promise<ServerCommand | undefined> {
  const bin = lab ? "jupyter-lab" : "jupyter-notebook";
  const mod = lab ? "jupyterlab" : "notebook";
  const tryAll = async () => {
    for (const dir of ["/usr/bin", "/usr/local/bin"]) {
      if (await exists(`${dir}/${bin}`)) return { cmd: `${dir}/${bin}`, args: [] };
    }
    if ((await run(bin, ["--version"])).ok) return { cmd: bin, args: [] };
    for (const py of PY_CANDIDATES) {
      if ((await run(py, ["-c", `import ${mod}`])).ok) return { cmd: py, args: ["-m", mod] };
    }
    return undefined;
  };
  let found = await tryAll();
  if (!found && !lab && install && await aptInstall(["jupyter-notebook"])) found = await tryAll();
  return found;
}

/**
 * Ensures nbclient/nbconvert (idempotent; fast when present) and a Deno kernelspec in
 * `<projectDir>/out/jupyter`. Returns undefined, after printing what could not be
 * installed, when no usable Python is available.
 */
export async function ensureJupyter(projectDir = "."): Promise<JupyterSetup | undefined> {
  let python = await findPython();
  if (!python) {
    if (await aptInstall(["jupyter-nbconvert", "python3-nbclient"])) python = await findPython();
  }
  if (!python) {
    console.log("installing nbconvert nbclient ipykernel with pip --user…");
    for (const py of ["python3", "python"]) {
      const r = await run(py, [
        "-m",
        "pip",
        "install",
        "--user",
        "nbconvert",
        "nbclient",
        "ipykernel",
      ]);
      if (r.ok) break;
      console.error(`${py} -m pip install failed:\n${r.out.slice(-1500)}`);
    }
    python = await findPython();
  }
  if (!python) {
    console.error(
      "could not install Jupyter: need Debian packages jupyter-nbconvert python3-nbclient " +
        "(apt-get, as root) or `pip install --user nbconvert nbclient ipykernel`",
    );
    return undefined;
  }
  const jupyterPath = `${await Deno.realPath(projectDir)}/out/jupyter`;
  await writeDenoKernelspec(jupyterPath);
  const prev = Deno.env.get("JUPYTER_PATH");
  const env = { JUPYTER_PATH: prev ? `${jupyterPath}:${prev}` : jupyterPath };
  return { python, jupyterPath, env };
}

/**
 * Returns a Chromium executable: `CHROMIUM` env var, /usr/bin/chromium, or one
 * installed with `apt-get install -y chromium` (as root on Debian). Prints what could
 * not be installed and returns undefined otherwise.
 */
export async function ensureChromium(): Promise<string | undefined> {
  const candidates = [Deno.env.get("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  for (const c of candidates) if (c && await exists(c)) return c;
  if (await aptInstall(["chromium"]) && await exists("/usr/bin/chromium")) {
    return "/usr/bin/chromium";
  }
  console.error(
    "could not find or install Chromium (apt-get install -y chromium needs root on Debian); " +
      "set CHROMIUM=/path/to/chromium",
  );
  return undefined;
}

/**
 * The Python executor: `python3 execute.py IN.ipynb OUT.ipynb OUT.html TIMEOUT_S`.
 * Runs every cell on the "deno" kernel with the notebook's directory as cwd, keeps
 * errors (the caller scans outputs), writes the executed notebook and the offline
 * HTML export, and prints one JSON line `{"seconds": s, "cells": n}`.
 */
export const EXECUTOR_PY = String.raw`
import asyncio, json, os, queue, re, sys, time
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete
from nbclient.util import ensure_async
from nbconvert import HTMLExporter

GRACE = float(os.environ.get("ALPE_IOPUB_GRACE", "0.3"))

class DrainingClient(NotebookClient):
    """nbclient that keeps reading IOPub for a quiet period after 'idle' (Deno kernel race)."""
    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        done = False
        while True:
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=GRACE if done else None))
            except queue.Empty:
                return
            if msg['parent_header'].get('msg_id') != parent_msg_id:
                continue
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                done = True

src, out_nb, out_html, timeout = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
nb = nbformat.read(src, as_version=4)
t0 = time.time()
client = DrainingClient(nb, timeout=timeout, kernel_name="deno", allow_errors=True,
                        iopub_timeout=max(4, 2 * GRACE + 1),
                        resources={"metadata": {"path": os.path.dirname(os.path.abspath(src))}})
try:
    client.execute()
finally:
    seconds = time.time() - t0
    nbformat.write(nb, out_nb)
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    # Drop the template's external scripts (require.js, MathJax: CDN URLs, or file:// paths on
    # Debian); figures carry plotly.js inline, so the page needs no external resource.
    body = re.sub(r'<script[^>]*\bsrc="[^"]*"[^>]*>\s*</script>', "", body)
    with open(out_html, "w", encoding="utf-8") as f:
        f.write(body)
    print(json.dumps({"seconds": seconds, "cells": len(nb.cells)}))
`;
