/**
 * The dashboard's real-data mode talks to recorded order books only through
 * {@linkcode RealDataApi}; {@linkcode realDataApi} returns the one over the replay tier
 * (lib/data's loaders and views, the `replay` env tier): the tapes found under `data/real/`,
 * a window's best quotes, trades and summary, and a replay backtest (the comparison on
 * windows of the tape, as `deno task compare --tier replay`). Without any tape it returns
 * {@linkcode PLACEHOLDER_REAL_DATA}, which says so and answers every request with a
 * `NotAvailableError`. Everything goes through this interface: the market list, the sidebar,
 * the job worker and the page.
 *
 * @module
 */
import { NotAvailableError, ValidationError } from "../errors.ts";
import type { EnvConfig, EnvConfigInput } from "../env/config.ts";
import { loadTape, quoteView, summarizeTape, type Tape, tradeView } from "../data/mod.ts";
import { runCompare } from "../backtest/compare.ts";
import { compareReportBlocks, compareReportIntro } from "../backtest/report.ts";
import { spreadSharesFigure, tapeQuotesFigure } from "../viz/tape_figures.ts";
import type { ReportBlock } from "../viz/report_page.ts";
import type { Figure } from "../viz/types.ts";

/** A recorded tape the dashboard can show and replay. */
export interface TapeInfo {
  /** Stable id: the path of its file relative to the root. */
  id: string;
  /** Label for the select. */
  label: string;
  /** Venue and instrument. */
  source: string;
  /** Base env config of a replay of this tape (paths absolute). */
  config: EnvConfigInput;
}

/** What the real-data mode asks of a tape. */
export interface TapeViewRequest {
  /** Tape id. */
  tape: string;
  /** Start of the window shown, seconds from the tape's book start. */
  start: number;
  /** Length of the window, seconds. */
  seconds: number;
}

/** A replay backtest request: agents on windows of a tape. */
export interface ReplayRequest {
  /** Tape id. */
  tape: string;
  /** Agent ids (as the comparison's). */
  agents: string[];
  /** Evaluation windows (episodes). */
  windows: number;
  /** The market config of the sidebar (duration = window length; tier replaced). */
  config: EnvConfig;
  /** Root seed (picks the windows). */
  seed: number;
  /** Model directory of the learned agent, if one runs. */
  ppoDir?: string;
}

/** The real-data backend of the dashboard. */
export interface RealDataApi {
  /** False for the placeholder. */
  readonly available: boolean;
  /** What it is, or why it is not available (shown in the mode's banner). */
  readonly reason: string;
  /** The tapes found. */
  listTapes(): Promise<TapeInfo[]>;
  /** The best quotes and trades of a window of a tape, and its summary, as report blocks. */
  tapeView(req: TapeViewRequest): Promise<ReportBlock[]>;
  /** A replay backtest of agents on windows of a tape, as report blocks. */
  replayBacktest(
    req: ReplayRequest,
    onProgress: (done: number, total: number) => void,
  ): Promise<ReportBlock[]>;
}

/** The placeholder's message. */
export const REPLAY_NOT_AVAILABLE = "Real data needs recorded tapes under data/real/ (see " +
  "docs/data.md) and none was found";

/** The backend without tapes: none listed; every request fails with a reason. */
export const PLACEHOLDER_REAL_DATA: RealDataApi = Object.freeze({
  available: false,
  reason: REPLAY_NOT_AVAILABLE,
  listTapes: () => Promise.resolve([]),
  tapeView: () => Promise.reject(new NotAvailableError(REPLAY_NOT_AVAILABLE)),
  replayBacktest: () => Promise.reject(new NotAvailableError(REPLAY_NOT_AVAILABLE)),
});

/** Where the shipped tapes live, relative to the root. */
export const TAPE_DIR = "data/real";

/** The tape files under `root/data/real` (LOBSTER message files, Binance feeds, CSV tapes). */
export function findTapes(root: string): TapeInfo[] {
  const out: TapeInfo[] = [];
  const walk = (rel: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(`${root}/${rel}`)];
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory) walk(p);
      else if (/_message_\d+\.csv$/.test(e.name)) {
        out.push(tapeInfo(root, p, `LOBSTER ${e.name.split("_")[0]} (NASDAQ, message file)`));
      } else if (/\.gz$/.test(e.name) && /binance|btc|usdt/i.test(p)) {
        out.push(tapeInfo(root, p, `Binance raw feed (${e.name.replace(/\.gz$/, "")})`));
      } else if (/\.csv(\.gz)?$/.test(e.name) && !/_orderbook_\d+\.csv$/.test(e.name)) {
        out.push(tapeInfo(root, p, `CSV tape (${e.name})`));
      }
    }
  };
  walk(TAPE_DIR);
  return out;
}

function tapeInfo(root: string, rel: string, source: string): TapeInfo {
  return {
    id: rel,
    label: rel.slice(TAPE_DIR.length + 1),
    source,
    config: { tier: "replay", replay: { data: [`${root}/${rel}`] } } as unknown as EnvConfigInput,
  };
}

function quotesFigure(tape: Tape, start: number, seconds: number, title: string): Figure {
  const q = quoteView(tape), t = tradeView(tape);
  const t0 = q.time.length ? q.time[0] : 0;
  const lo = t0 + start, hi = lo + seconds;
  const qi: number[] = [];
  for (let i = 0; i < q.time.length; i++) if (q.time[i] >= lo && q.time[i] <= hi) qi.push(i);
  // At most ~6,000 quote points: a dense feed is thinned evenly (trades are all kept).
  const stride = Math.max(1, Math.ceil(qi.length / 6000));
  const qs = qi.filter((_, k) => k % stride === 0);
  const trades = [];
  for (let i = 0; i < t.time.length; i++) {
    if (t.time[i] >= lo && t.time[i] <= hi) {
      trades.push({ time: t.time[i] - t0, price: t.price[i], qty: t.qty[i], sign: t.sign[i] });
    }
  }
  return tapeQuotesFigure({
    time: qs.map((i) => q.time[i] - t0),
    bid: qs.map((i) => q.bid[i]),
    ask: qs.map((i) => q.ask[i]),
    trades,
  }, { title });
}

/** The backend over the tapes found under `root` (see the module doc). */
export function replayRealData(root: string): RealDataApi {
  const tapes = findTapes(root);
  if (tapes.length === 0) return PLACEHOLDER_REAL_DATA;
  const find = (id: string) => {
    const t = tapes.find((x) => x.id === id);
    if (!t) {
      throw new ValidationError("tape", id, `one of ${tapes.map((x) => x.id).join(", ")}`);
    }
    return t;
  };
  return {
    available: true,
    reason: `${tapes.length} recorded tapes under ${TAPE_DIR}/: the recorded market replays as ` +
      "it happened and our orders are simulated against it (docs/replay.md)",
    listTapes: () => Promise.resolve(tapes),
    async tapeView(req) {
      const info = find(req.tape);
      const tape = await loadTape(`${root}/${info.id}`);
      const s = summarizeTape(tape);
      const seconds = Math.min(req.seconds, s.span.seconds);
      const start = Math.max(0, Math.min(req.start, s.span.seconds - seconds));
      return [
        { section: `${info.label}: ${info.source}` },
        {
          table: {
            caption: "What the tape holds",
            columns: ["", "value"],
            rows: [
              ["span", `${s.span.start} → ${s.span.end} (${s.span.seconds.toFixed(1)} s)`],
              ["rows", String(s.rows)],
              ["price range", `${s.priceRange.min} – ${s.priceRange.max}`],
              ["tick size, quantity step", `${s.tickSize}, ${s.qtyStep}`],
              [
                "spread (ticks, time-weighted)",
                `mean ${s.spreadTicks.mean.toFixed(2)}, median ${s.spreadTicks.median}, ` +
                `p90 ${s.spreadTicks.p90}`,
              ],
              [
                "depth at the touch (median)",
                `bid ${Number(s.depthAtTouch.bidMedian.toPrecision(4))}, ask ${
                  Number(s.depthAtTouch.askMedian.toPrecision(4))
                }`,
              ],
              [
                "trades",
                `${s.trades.count} (${s.trades.perSecond.toFixed(2)} per second, mean size ` +
                `${s.trades.meanSize.toPrecision(3)})`,
              ],
              [
                "feed latency (ms)",
                s.feedLatencyMs
                  ? `median ${s.feedLatencyMs.median.toFixed(1)}, p99 ${
                    s.feedLatencyMs.p99.toFixed(1)
                  }`
                  : "no local clock",
              ],
            ],
          },
        },
        {
          figure: quotesFigure(
            tape,
            start,
            seconds,
            `Best quotes and trades, ${start.toFixed(0)}–${(start + seconds).toFixed(0)} s`,
          ),
          caption: "The recorded book's best bid and ask at each change, and every trade by " +
            "its aggressor side.",
        },
        { figure: spreadSharesFigure(s.spreadTicks.share) },
      ];
    },
    async replayBacktest(req, onProgress) {
      const info = find(req.tape);
      const config = {
        ...req.config,
        ...(info.config as Record<string, unknown>),
      } as unknown as EnvConfigInput;
      const run = await runCompare({
        config,
        episodes: req.windows,
        seed: req.seed,
        agents: req.agents,
        workers: 0,
        ppoDir: req.ppoDir,
        onProgress,
      });
      return [
        ...compareReportIntro(run).map((text): ReportBlock => ({ text })),
        ...compareReportBlocks(run),
      ];
    },
  };
}

/**
 * The real-data backend the dashboard uses: the replay tier over the tapes under
 * `root/data/real`, or {@linkcode PLACEHOLDER_REAL_DATA} when there are none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { realDataApi } from "./real_data.ts";
 * const none = realDataApi("/nonexistent");
 * assert.equal(none.available, false);
 * assert.deepEqual(await none.listTapes(), []);
 * ```
 */
export function realDataApi(root: string = Deno.cwd()): RealDataApi {
  return replayRealData(root);
}
