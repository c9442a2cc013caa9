/**
 * `deno task setup`: installs what the test command needs beyond npm packages —
 * Jupyter (nbconvert + nbclient) and the Deno kernel, Chromium for the browser
 * check and Redis for the distributed sweep tests. Idempotent and quick when
 * everything is already there; says clearly what it could not install. npm
 * packages are installed by Deno itself on first use.
 *
 * @module
 */
import { ensureChromium, ensureJupyter } from "./_jupyter.ts";
import { ensureRedis } from "./_redis.ts";
import { defineCli, parseOrExit } from "./_cli.ts";

/** The command line of `deno task setup` (no flags besides --help). */
export const setupCli = defineCli({
  name: "setup",
  summary: "Installs what the tests need beyond npm packages: Jupyter (nbconvert, nbclient) " +
    "with the Deno kernel, Chromium for the browser check and Redis for the distributed " +
    "sweep tests. Idempotent.",
  flags: {},
});

/** What the set-up found or installed. */
export interface SetupReport {
  jupyter: boolean;
  chromium: boolean;
  /** Debian's redis-server, for the distributed sweep tests (skipped without it). */
  redis: boolean;
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
  const chromium = await ensureChromium();
  const redis = await ensureRedis();
  return {
    jupyter: jupyter !== undefined,
    chromium: chromium !== undefined,
    redis: redis !== undefined,
  };
}

if (import.meta.main) {
  await parseOrExit(setupCli);
  const r = await setup();
  console.log(
    `setup: jupyter ${r.jupyter ? "ready" : "MISSING"}, chromium ${
      r.chromium ? "ready" : "MISSING"
    }, redis ${r.redis ? "ready" : "MISSING (distributed sweep tests skipped)"}`,
  );
  Deno.exit(r.jupyter && r.chromium ? 0 : 1);
}
