/**
 * `deno task dashboard`: ALPE's interactive dashboard, a local web app on Deno's own HTTP
 * server, fully offline. Prints the URL to open; Ctrl-C stops it (and every simulation it
 * runs).
 *
 *     deno task dashboard [--port N] [--host ADDR] [--max-live N] [--max-jobs N]
 *
 * @module
 */
import { DEFAULT_PORT, startDashboard } from "../lib/dashboard/server.ts";
import { defineCli, FlagError, flags, runCli, type Values } from "./_cli.ts";

/** The command line of `deno task dashboard` (exported for the CLI tests). */
export const dashboardCli = defineCli({
  name: "dashboard",
  summary: "ALPE's dashboard in the browser: live simulation, strategy comparison, deep " +
    "analysis, portfolio view, training and real data. Offline: everything is served by this " +
    "process. Prints the URL to open.",
  flags: {
    port: flags.int({
      min: 0,
      max: 65_535,
      default: DEFAULT_PORT,
      help: "port to listen on (0: any free port)",
    }),
    host: flags.string({
      default: "127.0.0.1",
      meta: "ADDR",
      help: "interface to listen on (127.0.0.1: this machine only)",
    }),
    "max-live": flags.int({
      min: 1,
      max: 64,
      default: 8,
      help: "live simulations at once, all tabs together",
    }),
    "max-jobs": flags.int({
      min: 1,
      max: 16,
      default: 2,
      help: "comparisons, analyses and trainings running at once (more wait in a queue)",
    }),
  },
});

async function main(v: Values<typeof dashboardCli.spec.flags>): Promise<void> {
  let d;
  try {
    d = await startDashboard({
      port: v.port,
      host: v.host,
      maxLiveSims: v["max-live"],
      maxJobs: v["max-jobs"],
    });
  } catch (err) {
    if (err instanceof Deno.errors.AddrInUse) {
      throw new FlagError("--port", v.port, "a free port (this one is in use; try --port 0)");
    }
    if (
      err instanceof Deno.errors.AddrNotAvailable || err instanceof Deno.errors.PermissionDenied
    ) {
      throw new FlagError(
        "--host",
        v.host,
        `an address this machine can listen on (${err.message})`,
      );
    }
    throw err;
  }
  console.log(`ALPE dashboard: ${d.url}`);
  if (!["127.0.0.1", "localhost", "::1"].includes(v.host)) {
    console.log(`warning: listening on ${v.host}: anyone who can reach it can run simulations`);
  }
  const stop = () => {
    d.shutdown().finally(() => Deno.exit(0));
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  await d.finished;
}

if (import.meta.main) await runCli(dashboardCli, main);
