/**
 * `deno task setup`: installs what the notebooks and the test command need beyond npm
 * packages — Jupyter (nbconvert + nbclient, and Debian's classic Notebook server) with the
 * Deno kernel, Chromium for the browser checks and Redis for the distributed sweep tests.
 * Idempotent and quick when everything is already there; says clearly what it could not
 * install. npm packages are installed by `deno install`.
 *
 * The Deno kernel is registered twice: project-locally in `out/jupyter` (what the tests
 * use, through `JUPYTER_PATH`) and for the current user where `jupyter` looks by default
 * (`~/.local/share/jupyter/kernels/deno/kernel.json`), so that a plain `jupyter notebook`,
 * JupyterLab or VS Code offers the "Deno" kernel. That kernelspec runs a deno binary that
 * stays put: the running one, or — when deno runs from a cache such as `npx deno`'s — a
 * copy in `~/.local/share/alpe/deno-<version>/`. Set `ALPE_NO_USER_KERNEL=1` to skip it.
 *
 * @module
 */
import {
  ensureChromium,
  ensureJupyter,
  findNotebookServer,
  installUserKernelspec,
  jupyterDataDir,
  stableDeno,
} from "./_jupyter.ts";
import { ensureRedis } from "./_redis.ts";
import { defineCli, parseOrExit } from "./_cli.ts";

/** The command line of `deno task setup` (no flags besides --help). */
export const setupCli = defineCli({
  name: "setup",
  summary: "Installs what the notebooks and tests need beyond npm packages: Jupyter " +
    "(nbconvert, nbclient, the classic Notebook server) with the Deno kernel registered for " +
    "the current user, Chromium for the browser checks and Redis for the distributed sweep " +
    "tests. Idempotent.",
  flags: {},
});

/** What the set-up found or installed. */
export interface SetupReport {
  jupyter: boolean;
  chromium: boolean;
  /** Debian's redis-server, for the distributed sweep tests (skipped without it). */
  redis: boolean;
  /** A classic Notebook server (`deno task lab`, the live notebook test). */
  notebookServer: boolean;
  /** The user-level kernelspec, as one line (or why there is none). */
  userKernel: string;
}

/** Registers the Deno kernel for the current user; returns one line saying what happened. */
export async function registerUserKernel(): Promise<string> {
  if (Deno.env.get("ALPE_NO_USER_KERNEL") === "1") return "skipped (ALPE_NO_USER_KERNEL=1)";
  try {
    const deno = await stableDeno();
    if (!deno) return "not registered (no home directory)";
    const spec = await installUserKernelspec(deno.path, jupyterDataDir());
    if (!spec) return "not registered (no home directory)";
    const copied = deno.copied ? ` (deno copied there from ${Deno.execPath()})` : "";
    return spec.action === "kept"
      ? `kept the existing Deno kernel ${spec.file} (runs ${spec.deno})`
      : `${spec.file} ${spec.action}: runs ${spec.deno}${copied}`;
  } catch (e) {
    return `not registered: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** Installs npm packages (via `deno install`), Jupyter with the Deno kernel, and Chromium. */
export async function setup(): Promise<SetupReport> {
  const install = await new Deno.Command(Deno.execPath(), {
    args: ["install", "--quiet"],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!install.success) console.error("setup: `deno install` failed to fetch npm packages");
  const jupyter = await ensureJupyter();
  const server = await findNotebookServer(false, true);
  const userKernel = await registerUserKernel();
  const chromium = await ensureChromium();
  const redis = await ensureRedis();
  return {
    jupyter: jupyter !== undefined,
    chromium: chromium !== undefined,
    redis: redis !== undefined,
    notebookServer: server !== undefined,
    userKernel,
  };
}

if (import.meta.main) {
  await parseOrExit(setupCli);
  const r = await setup();
  console.log(`setup: Deno kernel for jupyter: ${r.userKernel}`);
  console.log(
    `setup: jupyter ${r.jupyter ? "ready" : "MISSING"}, notebook server ${
      r.notebookServer ? "ready (deno task lab)" : "MISSING (apt-get install jupyter-notebook)"
    }, chromium ${r.chromium ? "ready" : "MISSING"}, redis ${
      r.redis ? "ready" : "MISSING (distributed sweep tests skipped)"
    }`,
  );
  Deno.exit(r.jupyter && r.chromium ? 0 : 1);
}
