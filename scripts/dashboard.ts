/**
 * `deno task dashboard`: ALPE's interactive dashboard, a local web app on Deno's own HTTP
 * server, fully offline. Prints the URL to open; Ctrl-C stops it (and every simulation it
 * runs).
 *
 *     deno task dashboard [--port N] [--host ADDR] [--max-live N] [--max-jobs N]
 *
 * @module
 */
import { ValidationError } from "../lib/errors.ts";
import { DEFAULT_PORT, startDashboard } from "../lib/dashboard/server.ts";
import { intFlag, parseFlags, runMain } from "./_cli.ts";

const OPTIONS = {
  port: { type: "string" },
  host: { type: "string" },
  "max-live": { type: "string" },
  "max-jobs": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const ALLOWED = Object.keys(OPTIONS).map((k) => `--${k}`).join(", ");

const HELP = `deno task dashboard [flags]

ALPE's dashboard in the browser: live simulation, strategy comparison, deep analysis,
portfolio view, training and real data. Offline: everything is served by this process.

Flags:
  --port N        port to listen on, 0-65535 (default ${DEFAULT_PORT}; 0: any free port)
  --host ADDR     interface to listen on (default 127.0.0.1: this machine only)
  --max-live N    live simulations at once, all tabs together, 1-64 (default 8)
  --max-jobs N    comparisons, analyses and trainings running at once, 1-16 (default 2);
                  more wait in a queue
  -h, --help      this help
`;

async function main(): Promise<void> {
  const { values } = parseFlags(Deno.args, OPTIONS, ALLOWED);
  if (values.help) {
    console.log(HELP);
    return;
  }
  const port = intFlag("port", values.port, DEFAULT_PORT, 0, 65_535);
  const host = values.host ?? "127.0.0.1";
  if (host.trim() === "" || /[\s/]/.test(host)) {
    throw new ValidationError("--host", host, "an interface address, e.g. 127.0.0.1 or 0.0.0.0");
  }
  const maxLiveSims = intFlag("max-live", values["max-live"], 8, 1, 64);
  const maxJobs = intFlag("max-jobs", values["max-jobs"], 2, 1, 16);
  let d;
  try {
    d = await startDashboard({ port, host, maxLiveSims, maxJobs });
  } catch (err) {
    if (err instanceof Deno.errors.AddrInUse) {
      throw new ValidationError("--port", port, "a free port (this one is in use; try --port 0)");
    }
    if (
      err instanceof Deno.errors.AddrNotAvailable || err instanceof Deno.errors.PermissionDenied
    ) {
      throw new ValidationError(
        "--host",
        host,
        `an address this machine can listen on (${err.message})`,
      );
    }
    throw err;
  }
  console.log(`ALPE dashboard: ${d.url}`);
  if (host !== "127.0.0.1" && host !== "localhost" && host !== "::1") {
    console.log(`warning: listening on ${host}: anyone who can reach it can run simulations`);
  }
  const stop = () => {
    d.shutdown().finally(() => Deno.exit(0));
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  await d.finished;
}

if (import.meta.main) await runMain(main);
