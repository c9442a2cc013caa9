/**
 * What the shipped PPO does on the default market, and which simple rule explains its edge over
 * the `touch` rule with a one-lot inventory limit (README, "Results"; measured at stop 53).
 *
 * 1. Its quotes, from 16 episodes on seeds outside the evaluation (9000…9015): how often each
 *    side sits at the touch, by inventory; where its nearer quote sits while it is flat.
 * 2. On the evaluation episodes of `deno task compare` (root seed 0, 50 episodes of
 *    `btcusdt-lump`): the PPO, the limited `touch`, the limited `touch` backing both quotes off
 *    while flat, and the limited `touch` quoting, while flat, on a random share of the steps (the
 *    side that unwinds a position is always quoted). Nothing here is tuned: the shares and the
 *    back-offs are a grid read whole.
 *
 * Usage, from the repository root: `deno run -A docs/repro/ppo_trades_less.ts [MODEL_DIR]`
 * (12 s on our two-core machine).
 *
 * @module
 */
import {
  type Agent,
  type AgentContext,
  type AgentView,
  aggregate,
  DEFAULT_MARKET,
  defaultCapitalBase,
  evaluationSeeds,
  loadPpoAgent,
  makeVecEnv,
  OBS,
  OBS_DIM,
  pairedComparison,
  parseEnvConfig,
  recordEpisodes,
  resolveMarket,
  RngStreams,
  rollout,
  summarizeEpisode,
  TouchAgent,
} from "../../mod.ts";

const modelDir = Deno.args[0] ?? "data/models/ppo";
const market = await resolveMarket(DEFAULT_MARKET);
const cfg = parseEnvConfig(market.config);
const ppo = await loadPpoAgent(modelDir);

// 1. The PPO's quotes: [inventory (lots), bid offset, ask offset, bid size, ask size, half spread]
const steps: number[][] = [];
const spy: Agent = {
  id: "ppo-spy",
  name: "PPO (recorded)",
  reset: (ctx: AgentContext) => ppo.reset(ctx),
  act(obs: Float64Array, view: AgentView, out: Float64Array) {
    ppo.act(obs, view, out);
    for (let i = 0; i < out.length / 4; i++) {
      const halfSpread = obs[i * OBS_DIM + OBS.SPREAD] * 10 / 2;
      steps.push([view.inventory[i], ...out.subarray(4 * i, 4 * i + 4), halfSpread]);
    }
  },
};
rollout(makeVecEnv(cfg, 16), spy, Array.from({ length: 16 }, (_, i) => 9000 + i), {});
const atTouch = (offset: number, size: number, half: number) =>
  Math.round(size) >= 1 && offset <= half + 0.5;
const share = (rows: number[][], f: (r: number[]) => boolean) =>
  `${(100 * rows.filter(f).length / rows.length).toFixed(0)} %`;
console.log(`The PPO's quotes over ${steps.length} steps:`);
/** Inventory buckets (lots): label, lower bound (inclusive), upper bound (exclusive). */
const BUCKETS = [
  ["<= -2", -Infinity, -1.5],
  ["-1", -1.5, -0.5],
  ["0", -0.5, 0.5],
  ["1", 0.5, 1.5],
  [">= 2", 1.5, Infinity],
] as const;
for (const [label, lo, hi] of BUCKETS) {
  const rows = steps.filter((r) => r[0] >= lo && r[0] < hi);
  console.log(
    `  inventory ${label.padEnd(5)} ${String(rows.length).padStart(6)} steps: bid at the touch ${
      share(rows, (r) => atTouch(r[1], r[3], r[5]))
    }, ask at the touch ${share(rows, (r) => atTouch(r[2], r[4], r[5]))}`,
  );
}
const flat = steps.filter((r) => r[0] === 0);
const behind = flat.map((r) => Math.min(r[1], r[2]) - r[5]).sort((a, b) => a - b);
const q = (p: number) => behind[Math.floor(p * behind.length)].toFixed(1);
console.log(
  `  flat: the nearer quote sits ${q(0.05)}, ${q(0.5)}, ${
    q(0.95)
  } ticks behind the touch (5th, 50th, 95th percentiles); no size on either side on ${
    share(flat, (r) => Math.round(r[3]) === 0 && Math.round(r[4]) === 0)
  } of the flat steps`,
);

// 2. Rules on the evaluation episodes
/** The limited touch rule with, while flat, both quotes backed off or quoted on a share of steps. */
function limitedTouch(opts: { flatBackoff?: number; flatShare?: number }): Agent {
  const touch = new TouchAgent({ inventoryLimit: 1, backoffTicks: 0 });
  const back = opts.flatBackoff ?? 0, keep = opts.flatShare ?? 1;
  let rng = new RngStreams(0).get("flat-share");
  return {
    id: "touch-variant",
    name: "touch variant",
    reset(ctx: AgentContext) {
      touch.reset(ctx);
      rng = new RngStreams(ctx.seed).get("flat-share");
    },
    act(obs: Float64Array, view: AgentView, out: Float64Array) {
      touch.act(obs, view, out);
      for (let i = 0; i < out.length / 4; i++) {
        if (view.inventory[i] !== 0) continue;
        out[4 * i] = Math.min(out[4 * i] + back, cfg.maxOffsetTicks);
        out[4 * i + 1] = Math.min(out[4 * i + 1] + back, cfg.maxOffsetTicks);
        if (keep < 1 && rng.next() >= keep) out[4 * i + 2] = out[4 * i + 3] = 0;
      }
    },
  };
}
const seeds = evaluationSeeds(0, 50);
const capitalBase = defaultCapitalBase(cfg);
const pnl = new Map<string, number[]>();
console.log(`\nOn the ${seeds.length} evaluation episodes of ${DEFAULT_MARKET}:`);
const run = (name: string, agent: Agent) => {
  const episodes = recordEpisodes(agent, cfg, seeds, { agentSeed: 1 })
    .map((r) => summarizeEpisode(r, { capitalBase }));
  const a = aggregate(episodes, 42);
  pnl.set(name, episodes.map((e) => e.totalPnl));
  const vsPpo = name === "ppo" ? "" : (() => {
    const c = pairedComparison(pnl.get(name)!, pnl.get("ppo")!, { seed: 1 });
    return `; against the PPO ${c.meanDiff.toFixed(3)} [${c.ci95[0].toFixed(3)}, ${
      c.ci95[1].toFixed(3)
    }]`;
  })();
  console.log(
    `  ${name.padEnd(40)} P&L ${a.totalPnl.mean.toFixed(3)} $, ${
      a.filledLots.mean.toFixed(0)
    } lots filled (${
      (1000 * a.totalPnl.mean / a.filledLots.mean).toFixed(2)
    } m$ per lot), mean |inventory| ${a.avgAbsInventory.mean.toFixed(2)}${vsPpo}`,
  );
};
run("ppo", ppo);
run("touch, limit 1", limitedTouch({}));
for (const back of [1, 5, 20]) {
  run(`touch, limit 1, flat: backed off ${back} ticks`, limitedTouch({ flatBackoff: back }));
}
for (const s of [0.5, 0.2, 0.05]) {
  run(`touch, limit 1, flat: quoting ${s} of steps`, limitedTouch({ flatShare: s }));
}
