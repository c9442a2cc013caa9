/**
 * One live episode for the dashboard's live mode: a single-env VecEnv and an agent,
 * stepped one agent step at a time, with what the charts need taken out incrementally as
 * {@linkcode LiveFrame}s (the points since the last frame, the fills, the order book's depth
 * ladder) and the running metrics computed by the library's own `summarizeEpisode` on the
 * episode so far. No timing here: the live worker decides when to step and when to send.
 *
 * @module
 */
import type { Agent } from "../agents/types.ts";
import { defaultCapitalBase, type EpisodeMetrics, summarizeEpisode } from "../analytics/mod.ts";
import { createL2Snapshot, type L2Snapshot } from "../book/order_book.ts";
import { BookVecEnv } from "../env/book_env.ts";
import { type EnvConfig, stepsPerEpisode } from "../env/config.ts";
import { makeVecEnv } from "../env/make.ts";
import { EpisodeRecorder } from "../env/recorder.ts";
import { ACT_DIM, type VecEnv } from "../env/types.ts";

/** One of our fills. */
export interface LiveFill {
  /** Market time, seconds. */
  t: number;
  /** Volume-weighted price, dollars. */
  price: number;
  /** Lots. */
  lots: number;
}

/** The order book's depth ladder: the best levels of each side, and our quotes. */
export interface Ladder {
  /** Bid levels, best first: price ($) and lots. */
  bids: { price: number; lots: number }[];
  /** Ask levels, best first. */
  asks: { price: number; lots: number }[];
  /** Our bid quote, dollars (null: none). */
  ourBid: number | null;
  /** Our ask quote, dollars (null: none). */
  ourAsk: number | null;
}

/** What changed since the previous frame. */
export interface LiveFrame {
  /** Steps done. */
  step: number;
  /** Steps in the episode. */
  steps: number;
  /** Market time, seconds. */
  time: number;
  /** True once the episode has ended. */
  done: boolean;
  /** Time of each new step, seconds. */
  t: number[];
  /** Mid after each new step, dollars. */
  mid: number[];
  /** Our bid quote of each new step (null: none). */
  bid: (number | null)[];
  /** Our ask quote of each new step (null: none). */
  ask: (number | null)[];
  /** Inventory after each new step, lots. */
  inventory: number[];
  /** Mark-to-market P&L after each new step, dollars. */
  pnl: number[];
  /** Drawdown from the running peak (≤ 0), dollars. */
  drawdown: number[];
  /** New fills of our bids (we bought). */
  bidFills: LiveFill[];
  /** New fills of our asks (we sold). */
  askFills: LiveFill[];
  /** The depth ladder now (book tier only; null on the model tier). */
  ladder: Ladder | null;
  /** Regime index now. */
  regime: number;
}

/** A running metric for the live table. */
export interface LiveMetric {
  /** Label. */
  label: string;
  /** Value (NaN: not defined yet). */
  value: number;
  /** Unit or note. */
  unit: string;
}

const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);

type Pending = Pick<
  LiveFrame,
  "t" | "mid" | "bid" | "ask" | "inventory" | "pnl" | "drawdown" | "bidFills" | "askFills"
>;

function emptyPending(): Pending {
  return {
    t: [],
    mid: [],
    bid: [],
    ask: [],
    inventory: [],
    pnl: [],
    drawdown: [],
    bidFills: [],
    askFills: [],
  };
}

/** A live episode (see the module doc). */
export class LiveSim {
  /** The resolved config. */
  readonly config: EnvConfig;
  /** The env (one market). */
  readonly env: VecEnv;
  /** The agent. */
  readonly agent: Agent;
  /** Episode seed. */
  readonly seed: number;
  /** Seed of the agent's own randomness. */
  readonly agentSeed: number;
  /** Steps in the episode. */
  readonly steps: number;
  /** Levels per side in the ladder. */
  readonly ladderLevels: number;
  readonly #actions = new Float64Array(ACT_DIM);
  readonly #recorder: EpisodeRecorder;
  readonly #l2: L2Snapshot | null;
  readonly #capitalBase: number;
  #initialMid = NaN;
  #peak = 0;
  #pending: Pending = emptyPending();

  /** A live episode of `agent` in `config`, reset with `seed`. */
  constructor(config: EnvConfig, agent: Agent, seed: number, agentSeed = seed, ladderLevels = 12) {
    this.config = config;
    this.env = makeVecEnv(config, 1);
    this.agent = agent;
    this.seed = seed;
    this.agentSeed = agentSeed;
    this.steps = stepsPerEpisode(config);
    this.ladderLevels = ladderLevels;
    this.#recorder = new EpisodeRecorder(this.env);
    this.#l2 = this.env instanceof BookVecEnv ? createL2Snapshot(ladderLevels) : null;
    this.#capitalBase = defaultCapitalBase(config);
    this.reset();
  }

  /** Starts the episode over (same seeds: the same market again). */
  reset(): void {
    this.env.reset([this.seed]);
    this.agent.reset({ config: this.env.config, numEnvs: 1, seed: this.agentSeed });
    this.#initialMid = this.env.columns.mid[0];
    this.#peak = 0;
    this.#pending = emptyPending();
  }

  /** Steps done. */
  get stepIndex(): number {
    return this.env.stepIndex;
  }

  /** True once the episode has ended. */
  get done(): boolean {
    return this.env.stepIndex >= this.steps;
  }

  /** Takes one agent step; false (and nothing done) when the episode has ended. */
  step(): boolean {
    if (this.done) return false;
    const env = this.env;
    this.agent.act(env.observations, env.view, this.#actions);
    env.step(this.#actions);
    this.#recorder.record(env);
    const c = env.columns, p = this.#pending;
    const t = env.stepIndex * this.config.dt;
    p.t.push(t);
    p.mid.push(c.mid[0]);
    p.bid.push(finiteOrNull(c.bidQuote[0]));
    p.ask.push(finiteOrNull(c.askQuote[0]));
    p.inventory.push(c.inventory[0]);
    const pnl = c.pnl[0];
    if (pnl > this.#peak) this.#peak = pnl;
    p.pnl.push(pnl);
    p.drawdown.push(pnl - this.#peak);
    if (c.bidFilled[0] > 0) p.bidFills.push({ t, price: c.bidFillPrice[0], lots: c.bidFilled[0] });
    if (c.askFilled[0] > 0) p.askFills.push({ t, price: c.askFillPrice[0], lots: c.askFilled[0] });
    return true;
  }

  /** The ladder now (null on the model tier, which has no book). */
  ladder(): Ladder | null {
    if (!this.#l2 || !(this.env instanceof BookVecEnv)) return null;
    const l2 = this.#l2;
    this.env.market(0).book.l2(this.ladderLevels, l2);
    const tick = this.config.tickSize;
    const side = (price: ArrayLike<number>, qty: ArrayLike<number>, n: number) => {
      const out: { price: number; lots: number }[] = [];
      for (let i = 0; i < n; i++) {
        if (Number.isFinite(price[i]) && qty[i] > 0) {
          out.push({ price: +(price[i] * tick).toFixed(10), lots: qty[i] });
        }
      }
      return out;
    };
    const c = this.env.columns;
    return {
      bids: side(l2.bidPrice, l2.bidQty, l2.bidLevels),
      asks: side(l2.askPrice, l2.askQty, l2.askLevels),
      ourBid: this.stepIndex > 0 ? finiteOrNull(c.bidQuote[0]) : null,
      ourAsk: this.stepIndex > 0 ? finiteOrNull(c.askQuote[0]) : null,
    };
  }

  /**
   * The points since the previous frame (all of them after a reset), the new fills and the
   * ladder now. Each step appears in exactly one frame.
   */
  takeFrame(): LiveFrame {
    const p = this.#pending;
    this.#pending = emptyPending();
    return {
      step: this.stepIndex,
      steps: this.steps,
      time: this.stepIndex * this.config.dt,
      done: this.done,
      ...p,
      ladder: this.ladder(),
      regime: this.env.columns.regime[0],
    };
  }

  /** The episode's metrics so far (the library's `summarizeEpisode`; null before a step). */
  summary(): EpisodeMetrics | null {
    if (this.stepIndex === 0) return null;
    const r = this.#recorder.episodes([this.seed], this.agent.id)[0];
    return summarizeEpisode(r, {
      capitalBase: this.#capitalBase,
      impactWeight: this.config.reward.impact,
      initialMid: Number.isFinite(this.#initialMid) ? this.#initialMid : this.config.initialPrice,
    });
  }

  /** The running metrics table. */
  metrics(): LiveMetric[] {
    const m = this.summary();
    const tick = this.config.tickSize;
    const c = this.env.columns;
    const v = (x: number | undefined) => (x === undefined ? NaN : x);
    return [
      { label: "market time", value: this.stepIndex * this.config.dt, unit: "s" },
      { label: "P&L", value: v(m?.totalPnl), unit: "$" },
      { label: "max drawdown", value: v(m?.maxDrawdown), unit: "$" },
      { label: "inventory", value: this.stepIndex > 0 ? c.inventory[0] : 0, unit: "lots" },
      { label: "avg |inventory|", value: v(m?.avgAbsInventory), unit: "lots" },
      { label: "Sharpe (annualized)", value: v(m?.sharpe), unit: "per-second returns" },
      { label: "Sortino (annualized)", value: v(m?.sortino), unit: "" },
      { label: "VaR 95%", value: v(m?.var95) * 1e4, unit: "bp of capital / s" },
      { label: "fills", value: v(m?.numFills), unit: "" },
      { label: "lots filled", value: v(m?.filledLots), unit: "lots" },
      { label: "fill ratio", value: v(m?.fillRatio) * 100, unit: "%" },
      { label: "spread captured", value: v(m?.spreadCapturedTicks), unit: "ticks/share" },
      { label: "markout 1 s", value: v(m?.markouts["1s"]) / tick, unit: "ticks/share" },
      { label: "markout 5 s", value: v(m?.markouts["5s"]) / tick, unit: "ticks/share" },
      { label: "impact cost", value: v(m?.impactCost), unit: "$" },
    ];
  }
}
