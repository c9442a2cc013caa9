/**
 * One colour per agent, everywhere: the comparison report, the notebooks and the
 * dashboard all take an agent's colour from {@linkcode agentColor}, so that
 * Avellaneda–Stoikov is the same blue in every figure and table of ALPE.
 *
 * Known agents have fixed colours from the Okabe–Ito colour-blind-safe palette (with
 * Paul Tol's "muted" colours for the ones beyond it). Names are matched loosely:
 * `"Avellaneda–Stoikov"`, `"avellaneda stoikov"` and `"avellaneda-stoikov"` are the same
 * agent, and a PPO variant such as `"ppo:ppo_low_inventory"` or `"ppo (low-inv.)"` gets a
 * colour of the PPO family of its own. Any other name gets a colour derived from a hash of
 * the name, so it too is the same in every output.
 *
 * @module
 */

/** Fixed colours of the agents ALPE ships (ids as in the agent registry). */
export const AGENT_COLORS: Readonly<Record<string, string>> = Object.freeze({
  "random": "#999999",
  "static-spread": "#E69F00",
  "adaptive-spread": "#56B4E9",
  "avellaneda-stoikov": "#0072B2",
  "glft": "#009E73",
  "ppo": "#D55E00",
  "touch": "#CC79A7",
  "touch-skew": "#882255",
});

/** Colours of PPO variants (models other than the shipped default), in hash order. */
const PPO_VARIANT_COLORS: readonly string[] = ["#AA4499", "#994F00", "#E17C05", "#8F2D56"];

/** Colours of any other series, in hash order (none equals a fixed agent colour). */
const OTHER_COLORS: readonly string[] = [
  "#332288",
  "#44AA99",
  "#117733",
  "#999933",
  "#DDCC77",
  "#661100",
  "#6699CC",
  "#AA4466",
];

/** The canonical key of a display name: lower case, words joined by "-". */
export function agentKey(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_–—]+/g, "-");
}

/** A 32-bit FNV-1a hash of `text` (stable across runs and machines). */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** True when `name` names a PPO model other than the default one ("ppo:DIR", "ppo (…)"). */
function isPpoVariant(key: string): boolean {
  return key !== "ppo" && /^ppo[-:(]/.test(key);
}

/**
 * The colour of an agent (or any named series) as `#rrggbb`: fixed for the agents ALPE
 * ships, hashed from the name otherwise, so the same name has the same colour in every
 * report, notebook and dashboard.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { agentColor } from "./colors.ts";
 * assert.equal(agentColor("avellaneda-stoikov"), "#0072B2");
 * assert.equal(agentColor("Avellaneda–Stoikov"), agentColor("avellaneda-stoikov"));
 * assert.equal(agentColor("GLFT"), "#009E73");
 * assert.notEqual(agentColor("ppo:ppo_low_inventory"), agentColor("ppo"));
 * assert.equal(agentColor("my-agent"), agentColor("my-agent"));
 * ```
 */
export function agentColor(name: string): string {
  const key = agentKey(name);
  const fixed = AGENT_COLORS[key];
  if (fixed) return fixed;
  if (isPpoVariant(key)) return PPO_VARIANT_COLORS[fnv1a(key) % PPO_VARIANT_COLORS.length];
  return OTHER_COLORS[fnv1a(key) % OTHER_COLORS.length];
}

/** True when `name` is one of the agents with a fixed colour (or a PPO variant). */
export function isKnownAgent(name: string): boolean {
  const key = agentKey(name);
  return key in AGENT_COLORS || isPpoVariant(key);
}

/**
 * The colour of series `i` named `name`: the agent's colour when the name is an agent's,
 * else `fallback` (a builder's palette colour for series that are not agents, such as
 * "spread capture" or "total").
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seriesColor } from "./colors.ts";
 * assert.equal(seriesColor("glft", "#123456"), "#009E73");
 * assert.equal(seriesColor("total P&L", "#123456"), "#123456");
 * ```
 */
export function seriesColor(name: string, fallback: string): string {
  return isKnownAgent(name) ? agentColor(name) : fallback;
}
