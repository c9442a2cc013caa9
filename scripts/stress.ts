/**
 * `deno task stress`: the order book under a long, heavy load, beyond what CI can afford.
 *
 * 1. **Properties**: the book's property tests (`tests/book/_book_properties.ts`:
 *    the book against a naive reference book, every invariant checked after every operation)
 *    at `--scale` times their CI number of runs (default 100×, about 1.4 million random
 *    operations), from the CI seeds plus `--seed`.
 * 2. **Soak**: `--events` book events (default 10^8) of a stationary mixed stream (limit
 *    orders at rate 0.6, at 1 + Exp(mean 8) ticks from the opposite best quote; market orders
 *    at rate 0.1; each live order cancelled at rate 3·10^-4, so about a thousand stay live;
 *    order ids recycled), generated on the fly, with the book's accounting
 *    checked and the process memory (RSS and V8 heap) sampled every 2^20 events. Memory is
 *    flat when neither grows by more than `--max-growth-mib` after the first 5 % of events.
 *
 * Prints both figures (operations, events, seconds, rates, memory) and exits with 1 when a
 * property fails, the accounting breaks or memory grows; `--json` prints one JSON object.
 *
 * @module
 */
import { BID, OrderBook, type Side } from "../lib/book/mod.ts";
import { Rng } from "../lib/rng/rng.ts";
import { BOOK_PROPERTIES, bookPropertyStats } from "../tests/book/_book_properties.ts";
import { defineCli, flags, runCli, type Values } from "./_cli.ts";

/** The command line of `deno task stress` (exported for the CLI tests). */
export const stressCli = defineCli({
  name: "stress",
  summary: "Runs the order book's property tests at --scale times their CI budget and a soak " +
    "of --events book events with the process memory tracked; exits with 1 on any failure.",
  flags: {
    scale: flags.int({
      min: 1,
      max: 100_000,
      default: 100,
      help: "multiplier of the property tests' CI number of runs",
    }),
    events: flags.int({
      min: 1_000,
      max: 1e12,
      default: 100_000_000,
      help: "book events of the soak",
    }),
    seed: flags.int({
      min: 0,
      max: 1_000_000,
      default: 0,
      help: "added to the properties' CI seeds; seeds the soak's stream",
      meta: "S",
    }),
    part: flags.choice(["all", "properties", "soak"], {
      default: "all",
      help: "what to run",
    }),
    "max-growth-mib": flags.number({
      min: 0,
      max: 65_536,
      default: 64,
      help: "largest RSS or heap growth after warm-up that still counts as flat, MiB",
      meta: "M",
    }),
    json: flags.boolean({ help: "print one JSON object with every figure" }),
  },
});

/** Figures of the property part. */
export interface PropertyFigures {
  /** Property runs (sequences of operations). */
  runs: number;
  /** Random book operations checked against the reference. */
  operations: number;
  /** Wall-clock seconds. */
  seconds: number;
  /** Failure message, if a property failed. */
  failure?: string;
}

/** Runs every book property at `scale` × its CI runs from its CI seed + `seed`. */
export function runProperties(scale: number, seed: number): PropertyFigures {
  const t0 = performance.now();
  const ops0 = bookPropertyStats.ops;
  let runs = 0;
  let failure: string | undefined;
  for (const p of BOOK_PROPERTIES) {
    const numRuns = p.numRuns * scale;
    try {
      p.check({ numRuns, seed: p.seed + seed });
    } catch (err) {
      failure = `${p.name}: ${(err as Error).message.split("\n").slice(0, 3).join(" ")}`;
      break;
    }
    runs += numRuns;
  }
  return {
    runs,
    operations: bookPropertyStats.ops - ops0,
    seconds: (performance.now() - t0) / 1000,
    failure,
  };
}

/** Memory of the process, MiB. */
export interface MemorySample {
  /** Events applied when sampled. */
  events: number;
  /** Resident set size, MiB. */
  rssMiB: number;
  /** V8 heap in use, MiB. */
  heapMiB: number;
}

/** Figures of the soak part. */
export interface SoakFigures {
  /** Book events applied. */
  events: number;
  /** Wall-clock seconds (generation included). */
  seconds: number;
  /** Events per second. */
  eventsPerSecond: number;
  /** Lots traded (a checksum of the run). */
  tradedLots: number;
  /** Most live orders seen at a sample. */
  maxLiveOrders: number;
  /** Memory after the warm-up (5 % of the events). */
  baseline: MemorySample;
  /** Memory at the end. */
  end: MemorySample;
  /** Largest RSS and heap seen after the warm-up, MiB. */
  maxRssMiB: number;
  /** Largest V8 heap seen after the warm-up, MiB. */
  maxHeapMiB: number;
  /** Failure message (accounting broken), if any. */
  failure?: string;
}

const MIB = 1024 * 1024;
const SAMPLE_EVERY = 1 << 20;
const CANCEL_RATE = 3e-4;

function sample(events: number): MemorySample {
  const m = Deno.memoryUsage();
  return { events, rssMiB: m.rss / MIB, heapMiB: m.heapUsed / MIB };
}

/**
 * Applies `events` events of the mixed stream to one book, checking its accounting and
 * sampling memory every 2^20 events. Allocation-free in the loop.
 */
export function runSoak(events: number, seed: number): SoakFigures {
  const rng = new Rng(`stress-soak-${seed}`);
  const ID_CAP = 1 << 20;
  const free = new Int32Array(ID_CAP); // stack of recycled ids
  let nFree = 0;
  let nextId = 0;
  const live = new Int32Array(ID_CAP); // live ids, swap-remove
  const pos = new Int32Array(ID_CAP).fill(-1);
  let nLive = 0;
  const drop = (id: number): void => {
    const i = pos[id];
    const last = live[--nLive];
    live[i] = last;
    pos[last] = i;
    pos[id] = -1;
    free[nFree++] = id;
  };
  const book = new OrderBook({ capacity: 1 << 12 });
  let traded = 0;
  book.sink = {
    onExecution(
      rid: number,
      _o: number,
      _a: number,
      _s: Side,
      _p: number,
      qty: number,
      _t: number,
      rem: number,
    ): void {
      traded += qty;
      if (rem === 0 && rid < ID_CAP && pos[rid] >= 0) drop(rid);
    },
  };
  const warm = Math.max(SAMPLE_EVERY, Math.floor(events * 0.05));
  let baseline: MemorySample | undefined;
  let maxRss = 0, maxHeap = 0, maxLive = 0;
  let failure: string | undefined;
  let last = 1_000_000;
  const t0 = performance.now();
  let e = 0;
  for (; e < events; e++) {
    // Cont–Stoikov–Talreja rates: adds 0.6, market orders 0.1, each live order cancels at
    // rate 3e-4 (so about a thousand orders stay live: stationary, whatever the length).
    const x = rng.next() * (0.7 + CANCEL_RATE * nLive);
    if (x < 0.6) {
      const side = rng.int(2) as Side;
      const opp = side === BID ? book.bestAsk() : book.bestBid();
      const ref = Number.isNaN(opp) ? (side === BID ? last + 1 : last - 1) : opp;
      const dist = 1 + Math.min(200, Math.floor(rng.exponential(1 / 8)));
      const id = nFree > 0 ? free[--nFree] : nextId++;
      if (id >= ID_CAP) {
        failure = `more than ${ID_CAP} live orders`;
        break;
      }
      pos[id] = nLive;
      live[nLive++] = id;
      const price = side === BID ? ref - dist : ref + dist;
      if (book.addLimit(id, side, price, 1 + rng.int(10), e) === 0 && pos[id] >= 0) drop(id);
    } else if (x < 0.7) {
      book.market(rng.int(2) as Side, 1 + rng.int(30), e);
    } else {
      const id = live[rng.int(nLive)];
      book.cancel(id);
      drop(id);
    }
    const m = book.mid();
    if (m === m) last = Math.round(m);
    if ((e & (SAMPLE_EVERY - 1)) === SAMPLE_EVERY - 1) {
      if (
        book.orderCount !== nLive ||
        book.addedQty !== book.restingQty() + book.tradedQty + book.cancelledQty ||
        book.tradedQty !== traded || book.bestBid() >= book.bestAsk()
      ) {
        failure = `accounting broken after ${e + 1} events`;
        break;
      }
      if (nLive > maxLive) maxLive = nLive;
      const s = sample(e + 1);
      if (baseline === undefined && e + 1 >= warm) baseline = s;
      if (baseline !== undefined) {
        maxRss = Math.max(maxRss, s.rssMiB);
        maxHeap = Math.max(maxHeap, s.heapMiB);
      }
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const end = sample(e);
  baseline ??= end;
  return {
    events: e,
    seconds,
    eventsPerSecond: e / seconds,
    tradedLots: traded,
    maxLiveOrders: maxLive,
    baseline,
    end,
    maxRssMiB: Math.max(maxRss, end.rssMiB),
    maxHeapMiB: Math.max(maxHeap, end.heapMiB),
    failure,
  };
}

function mib(x: number): string {
  return `${x.toFixed(1)} MiB`;
}

function main(v: Values<typeof stressCli.spec.flags>): void {
  const report: { properties?: PropertyFigures; soak?: SoakFigures; ok: boolean } = { ok: true };
  const log = (line: string) => {
    if (!v.json) console.log(line);
  };
  if (v.part !== "soak") {
    log(`properties: ${v.scale}× the CI runs ...`);
    const p = runProperties(v.scale, v.seed);
    report.properties = p;
    if (p.failure) report.ok = false;
    log(
      `properties: ${p.runs.toLocaleString("en-US")} runs, ` +
        `${p.operations.toLocaleString("en-US")} random operations checked against the ` +
        `reference in ${p.seconds.toFixed(1)} s` + (p.failure ? ` — FAILED: ${p.failure}` : ""),
    );
  }
  if (v.part !== "properties") {
    log(`soak: ${v.events.toLocaleString("en-US")} book events ...`);
    const s = runSoak(v.events, v.seed);
    report.soak = s;
    const growth = Math.max(s.maxRssMiB - s.baseline.rssMiB, s.maxHeapMiB - s.baseline.heapMiB);
    if (s.failure || growth > v["max-growth-mib"]) report.ok = false;
    log(
      `soak: ${s.events.toLocaleString("en-US")} events in ${s.seconds.toFixed(1)} s ` +
        `(${(s.eventsPerSecond / 1e6).toFixed(2)} M events/s), at most ` +
        `${s.maxLiveOrders} live orders; RSS ${mib(s.baseline.rssMiB)} after warm-up, ` +
        `max ${mib(s.maxRssMiB)}, end ${mib(s.end.rssMiB)}; V8 heap ${mib(s.baseline.heapMiB)}, ` +
        `max ${mib(s.maxHeapMiB)}, end ${mib(s.end.heapMiB)}` +
        (s.failure
          ? ` — FAILED: ${s.failure}`
          : growth > v["max-growth-mib"]
          ? ` — FAILED: memory grew by ${mib(growth)}`
          : " — memory flat"),
    );
  }
  if (v.json) console.log(JSON.stringify(report));
  else log(report.ok ? "stress: ok" : "stress: FAILED");
  if (!report.ok) Deno.exit(1);
}

if (import.meta.main) await runCli(stressCli, main);
