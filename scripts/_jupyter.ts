/**
 * Jupyter tooling for the notebook pipeline: makes sure a Python with nbclient and
 * nbconvert exists (installing Debian packages as root, else `pip install --user`),
 * registers the Deno kernel in a project-local kernelspec directory (used through
 * `JUPYTER_PATH`, so nothing in $HOME is touched), finds or installs Chromium, and
 * carries the small Python executor the notebook runner uses.
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

/** Writes the Deno kernelspec into `<dir>/kernels/deno/kernel.json`. */
export async function writeDenoKernelspec(dir: string): Promise<string> {
  const kdir = `${dir}/kernels/deno`;
  await Deno.mkdir(kdir, { recursive: true });
  const spec = {
    argv: [Deno.execPath(), "jupyter", "--kernel", "--conn", "{connection_file}"],
    display_name: "Deno",
    language: "typescript",
  };
  await Deno.writeTextFile(`${kdir}/kernel.json`, JSON.stringify(spec, null, 1) + "\n");
  return kdir;
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
