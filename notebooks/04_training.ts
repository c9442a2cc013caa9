// %% [markdown]
// # 04 · Training a PPO market maker
//
// Reinforcement learning lets a policy discover quoting rules from the reward (P&L minus inventory and
// volatility penalties) instead of deriving them from a model. This notebook:
//
// 1. trains a **small PPO agent** on the fast model tier (seconds to a minute of CPU, depending on the machine),
//    with its training curves;
// 2. loads the **shipped model** from `data/models/ppo` when it exists (trained longer with `deno task train`);
// 3. compares **quote maps** — bid/ask offsets as a function of inventory — of PPO and the analytic strategies
//    (Avellaneda–Stoikov, GLFT).

// %%
import {
  createAgent,
  hasCheckpoint,
  loadPolicy,
  OBS,
  OBS_DIM,
  parseEnvConfig,
  parseMetricsJsonl,
  policyMapFigure,
  PpoTrainer,
  show,
  trainingCurvesFigure,
  tuneBaseAgent,
} from "../mod.ts";
import type { Agent, AgentView, EnvConfig, MetricsRow, PpoPolicy, TrainProgress } from "../mod.ts";
import { loadPlotly } from "../mod.ts";

// plotly.js for the figures below, offline: a few small outputs of this cell (see docs/notebooks.md).
await loadPlotly();

// %% [markdown]
// ## 1. A short training run
//
// PPO alternates **rollouts** (16 environments step the current stochastic policy for 256 steps) and **updates**
// (several epochs of minibatch gradient steps on the clipped surrogate objective). We train for 160 000
// environment steps with a small 32×32 network — a toy budget, enough to see learning start.
//
// By default the policy is **residual**: its action is a bounded correction (up to ±4 ticks per quote, and a
// size change per side) to the quotes of a GLFT market maker whose parameters the trainer first calibrates on
// separate, training-only seeds. An action of zero is exactly GLFT, so training starts from a sensible market
// maker and has to earn every deviation from it (`residual.enabled: false` learns quotes from scratch, which in
// the README's results fails to make markets even after 1M steps).

// %%
const rows: MetricsRow[] = [];
const trainer = await PpoTrainer.create({
  seed: 3,
  totalTimesteps: 160_000,
  env: { tier: "model", duration: 60 },
  curriculum: { enabled: false },
  ppo: { numEnvs: 16, nSteps: 256, minibatchSize: 1024, hiddenSizes: [32, 32] },
}, {
  outDir: "../out/notebooks/ppo_small",
  force: true, // Run All again replaces the previous small run
  onUpdate: (p: TrainProgress) => rows.push({ ...p }),
  tuneBase: tuneBaseAgent,
});
await trainer.train();
trainer.dispose();
`${rows.length} updates, ${rows.at(-1)?.timesteps} steps`;

// %%
show(trainingCurvesFigure(rows, {
  x: "update",
  series: ["episodeReturn", "episodePnl", "entropy", "approxKl", "explainedVariance"],
  title: "PPO training curves (small run)",
}));

// %% [markdown]
// **How to read it:** *episodeReturn* is the mean raw reward of the last finished batch of episodes and should
// trend up; *episodePnl* is its dollar P&L. *entropy* measures how random the Gaussian policy still is (it falls
// as the policy commits), *approxKl* how far each update moved the policy (PPO keeps it small), and
// *explainedVariance* how well the critic predicts returns (towards 1 is good). With this tiny budget the curves
// are noisy; the shipped model is trained much longer.
//
// ## 2. The shipped model
//
// `deno task train` trains a larger network for many more steps — by default with a curriculum that starts in a
// calm, frictionless market and ends in the full one — and saves it to `data/models/ppo` together with its training log
// (`metrics.jsonl`). `loadPolicy` reads it back; notebook 02 uses the same model as the "ppo" agent
// (`registerPpoAgent`).

// %%
const shippedDir = "../data/models/ppo";
const shipped: PpoPolicy | undefined = (await hasCheckpoint(shippedDir))
  ? await loadPolicy(shippedDir)
  : undefined;
let shippedMetrics: MetricsRow[] = [];
try {
  shippedMetrics = parseMetricsJsonl(await Deno.readTextFile(`${shippedDir}/metrics.jsonl`));
} catch {
  shippedMetrics = [];
}
shipped
  ? `Loaded the shipped PPO model (${shippedMetrics.length} logged updates).`
  : "No shipped model in data/models/ppo: run `deno task train` to create one; the maps below use the small run only.";

// %%
shippedMetrics.length > 0
  ? show(trainingCurvesFigure(shippedMetrics, {
    x: "update",
    series: ["episodeReturn", "episodePnl", "entropy"],
    title: "Training curves of the shipped model",
  }))
  : "(no training log shipped)";

// %% [markdown]
// **How to read it:** the same quantities as above, over the whole training run of the shipped model. The return
// and P&L curves move in plateaus because a point only changes when a batch of episodes finishes, and one episode
// can span several rollouts. If the model was trained with a curriculum, each stage also changes the market
// (volatility regimes, latency, impact), so the level of the return can jump between stages without the policy
// getting worse. A falling entropy shows the policy becoming more deterministic as training goes on.

// %% [markdown]
// ## 3. Quote maps: how each policy reacts to inventory
//
// We feed each policy the same synthetic mid-episode state, varying only the inventory from −maxInventory to
// +maxInventory, and record the bid and ask offsets (ticks from the mid) it chooses.

// %%
const cfg = parseEnvConfig({ tier: "model", duration: 60 });
const grid = Array.from(
  { length: 41 },
  (_, i) => Math.round(-cfg.maxInventory + (i * 2 * cfg.maxInventory) / 40),
);
const n = grid.length;
const sigma = (cfg.volatility * cfg.initialPrice) / Math.sqrt(23_400);
const view: AgentView = {
  mid: new Float64Array(n).fill(cfg.initialPrice),
  bestBid: new Float64Array(n).fill(cfg.initialPrice - cfg.tickSize),
  bestAsk: new Float64Array(n).fill(cfg.initialPrice + cfg.tickSize),
  inventory: Float64Array.from(grid),
  timeLeft: new Float64Array(n).fill(cfg.duration / 2),
  sigma: new Float64Array(n).fill(sigma),
};
const obs = new Float64Array(n * OBS_DIM);
grid.forEach((q, i) => {
  obs[i * OBS_DIM + OBS.INVENTORY] = q / cfg.maxInventory;
  obs[i * OBS_DIM + OBS.TIME_LEFT] = 0.5;
  obs[i * OBS_DIM + OBS.SPREAD] = 0.2;
  obs[i * OBS_DIM + OBS.VOLATILITY] = 1;
  obs[i * OBS_DIM + OBS.BID_QUEUE] = 1;
  obs[i * OBS_DIM + OBS.ASK_QUEUE] = 1;
});
function curve(name: string, out: Float64Array) {
  return {
    name,
    inventory: grid,
    bid: grid.map((_, i) => out[i * 4]),
    ask: grid.map((_, i) => out[i * 4 + 1]),
  };
}
function agentMap(agent: Agent, c: EnvConfig) {
  agent.reset({ config: c, numEnvs: n, seed: 1 });
  const out = new Float64Array(n * 4);
  agent.act(obs, view, out);
  return curve(agent.name, out);
}
function policyMap(name: string, policy: PpoPolicy) {
  policy.setEnvConfig(cfg, n);
  const out = new Float64Array(n * 4);
  policy.act(obs, view, n, out);
  return curve(name, out);
}
const curves = [
  agentMap(createAgent("avellaneda-stoikov"), cfg),
  agentMap(createAgent("glft"), cfg),
];
curves.push(policyMap("PPO (small run)", await loadPolicy("../out/notebooks/ppo_small")));
if (shipped) curves.push(policyMap("PPO (shipped)", shipped));
curves.map((c) => c.name);

// %%
show(policyMapFigure(curves, { title: "Quote offsets by inventory (solid: bid, dashed: ask)" }));

// %% [markdown]
// **How to read it:** each colour is one policy; solid lines are its bid offset, dashed lines its ask offset, in
// ticks from the mid (larger = further away, less likely to fill). For Avellaneda–Stoikov the two lines are
// straight and mirror each other: when long (inventory > 0) the bid moves away (buy less) and the ask moves in
// (sell more) — the reservation-price skew. GLFT skews the same way with its own slope and spread. For the PPO
// policies, look first at the *difference from GLFT*, their base: the residual policy starts as GLFT, so
// wherever its lines leave GLFT's it has learnt, from the reward alone, that another quote pays better. A bid line
// that rises and an ask line that falls with inventory is the inventory-averse skew. The small run has had little training, so its map can
// be flat, noisy or skewed the wrong way; compare it with the shipped model's. Where a trained policy departs from
// the analytic maps, remember that it also sees features this slice holds fixed (queue position, order-flow
// imbalance, time left), so the map is one cross-section of its behaviour, not all of it. Lines pinned flat at the
// top or bottom of the chart sit on the action bounds: the policy asks for more than the environment allows.
