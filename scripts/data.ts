/**
 * `deno task data inspect FILE… [--json] [--no-cache]`: loads each tape (LOBSTER message or
 * orderbook file, Binance raw feed, CSV tape; see docs/data.md) and prints what it holds:
 * events by kind, time span, price range, tick size, spread distribution in ticks, depth at the
 * touch, trades per second, feed latency, skipped and repaired events, and the loader's
 * reconstruction check (`reconstruction: {checked, matched}`). Large files stream with a
 * progress bar on a terminal; the parsed tape is cached (Arrow IPC, `out/cache/tapes/` or
 * `ALPE_CACHE_DIR`), so a second run is fast. With `--json`, stdout holds exactly one JSON
 * object. Bad input: one line naming the file (and line, column) and exit code 2.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { ValidationError } from "../lib/errors.ts";
import { loadTapeWithInfo, summarizeTape, summaryText } from "../lib/data/mod.ts";
import { createProgress } from "../lib/backtest/progress.ts";
import { runMain } from "./_cli.ts";

const HELP = `deno task data inspect FILE… [--json] [--no-cache]

Loads market-data files and prints what each tape holds (see docs/data.md).

  FILE         a LOBSTER message or orderbook file (TICKER_DATE_START_END_message_N.csv),
               a Binance raw feed (<local ns> <websocket JSON> lines, plain or .gz),
               or a CSV tape (ts,type,side,price,qty header)
  --json       print one JSON object {"tapes": [...]} on stdout
  --no-cache   parse the source even when a cached tape exists (and do not write the cache)
  -h, --help   this help

Example: deno task data inspect data/real/binance/spot_btcusdt_20240808.gz`;

const OPTIONS = {
  json: { type: "boolean" },
  "no-cache": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: Deno.args, options: OPTIONS, strict: true, allowPositionals: true });
  } catch (err) {
    const flag = /'(-{1,2}[^' ]+)/.exec((err as Error).message)?.[1] ?? "flags";
    throw new ValidationError(flag, Deno.args.join(" "), "one of --json, --no-cache, --help");
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    if (values.help) {
      console.log(HELP);
      return;
    }
    throw new ValidationError("command", "", '"inspect FILE…" (see --help)');
  }
  const [command, ...files] = positionals;
  if (command !== "inspect") throw new ValidationError("command", command, '"inspect"');
  if (files.length === 0) throw new ValidationError("FILE", "", "at least one file to inspect");
  const out: unknown[] = [];
  for (const file of files) {
    const bar = createProgress(`loading ${file.split("/").pop()}`, { unit: "KiB" });
    let r;
    try {
      r = await loadTapeWithInfo(file, {
        cacheDir: values["no-cache"] ? null : undefined,
        onProgress: (read, total) => bar.update(read >> 10, total >> 10),
      });
    } finally {
      bar.stop();
    }
    const summary = summarizeTape(r.tape);
    const load = { from: r.from, seconds: Number(r.seconds.toFixed(3)), cacheFile: r.cacheFile };
    if (values.json) out.push({ file, load, ...summary });
    else {
      console.log(summaryText(summary));
      console.log(
        `  loaded from    ${r.from} in ${r.seconds.toFixed(2)} s${
          r.cacheFile ? ` (cache ${r.cacheFile})` : ""
        }\n`,
      );
    }
  }
  if (values.json) {
    await Deno.stdout.write(new TextEncoder().encode(JSON.stringify({ tapes: out }) + "\n"));
  }
}

if (import.meta.main) await runMain(main);
