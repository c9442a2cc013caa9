/**
 * A preset's realism verdict: how often each stylized fact of the tape it was calibrated on
 * passed when the preset was simulated (`deno task realism --seeds N --verdict`,
 * docs/realism.md), kept beside the preset as `realism/<name>.json` so that every tool that
 * runs the market can say how far its results can be trusted. A market maker's simulated P&L
 * rests on a few facts above all — the markout of a passive fill, the price response to a
 * market order and how the mid moves ({@linkcode PNL_FACTS}) — and a preset that fails one of
 * them on most seeds gives P&L figures the tape does not support; the tools print that next to
 * the figures instead of leaving it to the documentation.
 *
 * The verdict is a measurement of one preset file against named tapes with named seeds; it is
 * regenerated with the command it records, and the shipped presets' verdicts are checked
 * against a fresh simulation in the tests. A preset without a verdict (a user's own, the
 * built-in market) gets none: nothing is inferred.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { sha256File } from "../data/io.ts";
import { ValidationError } from "../errors.ts";
import { type Infer, parseWith } from "../validation.ts";

/**
 * The facts a market maker's P&L rests on (docs/realism.md, "What to do with this"): the
 * markout of a passive fill at the touch (what a fill earns or loses afterwards), the average
 * price response to a market order, and the mid's changes (how often and by how much the
 * price moves).
 */
export const PNL_FACTS: readonly string[] = ["markout", "priceResponse", "midChanges"];

/**
 * Schema of one fact's verdict over the seeds.
 *
 * @ignore
 */
export const factVerdictSchema = z.strictObject({
  /** Seeds on which the fact was judged (the tape held enough samples). */
  judged: z.number().int().min(0),
  /** Seeds on which it passed. */
  passed: z.number().int().min(0),
  /** Median distance over the seeds (null: none finite). */
  medianDistance: z.number().nullable(),
  /** Median tolerance over the seeds (null: none finite). */
  medianTolerance: z.number().nullable(),
});

/**
 * Schema of a preset's realism verdict.
 *
 * @ignore
 */
export const presetRealismSchema = z.strictObject({
  /** The preset's name. */
  preset: z.string().min(1),
  /** SHA-256 of the preset file it measured: another file's verdict is stale. */
  presetSha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The tapes it was compared with (paths as given to the realism command). */
  data: z.array(z.string()).min(1),
  /** Their SHA-256 digests, in the same order. */
  sha256: z.array(z.string().regex(/^[0-9a-f]{64}$/)).min(1),
  /** The simulation seeds. */
  seeds: z.array(z.number().int().min(0)).min(1),
  /** Judged facts passed, mean over the seeds. */
  meanPassed: z.number().min(0),
  /** Facts judged on each seed. */
  judged: z.array(z.number().int().min(0)).min(1),
  /** Each fact's verdict over the seeds, in the report's order. */
  facts: z.record(z.string(), factVerdictSchema),
  /** The command that measured it (and measures it again). */
  command: z.string().min(1),
});

/** A preset's realism verdict (see the schema's field docs). */
export type PresetRealism = Infer<typeof presetRealismSchema>;

/** One fact's verdict over the seeds (see the schema's field docs). */
export type FactVerdict = Infer<typeof factVerdictSchema>;

/**
 * A verdict as read beside a preset file: `stale` when that file is not the one it measured
 * (its SHA-256 differs: recalibrated or edited since), whose figures then say nothing of it.
 */
export type LoadedRealism = PresetRealism & { stale: boolean };

/**
 * Where the verdict of the preset file `presetPath` lives: `realism/<file name>` in the
 * preset's directory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { realismVerdictPath } from "./preset_realism.ts";
 * assert.equal(realismVerdictPath("data/presets/btcusdt.json"), "data/presets/realism/btcusdt.json");
 * assert.equal(realismVerdictPath("my.json"), "realism/my.json");
 * ```
 */
export function realismVerdictPath(presetPath: string): string {
  const name = baseName(presetPath);
  return `${presetPath.slice(0, presetPath.length - name.length)}realism/${name}`;
}

/**
 * Validates a verdict (a `ValidationError` naming the field otherwise, prefixed by `where`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parsePresetRealism } from "./preset_realism.ts";
 * assert.throws(() => parsePresetRealism({ preset: "x" }, "v.json"), /v\.json/);
 * ```
 */
export function parsePresetRealism(input: unknown, where = "realism verdict"): PresetRealism {
  const v = parseWith(presetRealismSchema, input, where);
  if (v.data.length !== v.sha256.length) {
    throw new ValidationError(`${where}: sha256`, v.sha256.length, `${v.data.length} digests`);
  }
  if (v.judged.length !== v.seeds.length) {
    throw new ValidationError(`${where}: judged`, v.judged.length, `${v.seeds.length} counts`);
  }
  for (const [name, f] of Object.entries(v.facts)) {
    if (f.passed > f.judged || f.judged > v.seeds.length) {
      throw new ValidationError(
        `${where}: facts.${name}`,
        `${f.passed} of ${f.judged}`,
        `passed ≤ judged ≤ ${v.seeds.length} seeds`,
      );
    }
  }
  return v;
}

/**
 * The verdict of the preset file `presetPath` ({@linkcode realismVerdictPath}), or null when
 * it has none; `stale` when it measured another version of the file. A verdict that exists
 * but cannot be read or validated is an error naming it: never silently dropped.
 */
export async function loadPresetRealism(presetPath: string): Promise<LoadedRealism | null> {
  const path = realismVerdictPath(presetPath);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw new ValidationError("realism verdict", path, `a readable file (${String(err)})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ValidationError("realism verdict", path, `valid JSON (${(err as Error).message})`);
  }
  const v = parsePresetRealism(raw, path);
  return { ...v, stale: v.presetSha256 !== await sha256File(presetPath) };
}

/** The facts a verdict says fail on at least half of the seeds they were judged on. */
export function failingFacts(v: PresetRealism): string[] {
  return Object.entries(v.facts)
    .filter(([, f]) => f.judged > 0 && 2 * (f.judged - f.passed) >= f.judged)
    .map(([name]) => name);
}

/**
 * What a tool prints next to results in the market of verdict `v`: one line with the facts
 * passed, then one per fact that fails on at least half of its judged seeds — those a market
 * maker's P&L rests on ({@linkcode PNL_FACTS}) first, said to be so — and, when none of those
 * fails, a line that says they pass. `variant`: the market is a stress variant of the preset
 * (the verdict is of the preset itself). A stale verdict (`LoadedRealism`) gives one line that
 * says so and how to measure it again, none of its figures.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { realismCaveats } from "./preset_realism.ts";
 * const f = (passed: number) => ({ judged: 10, passed, medianDistance: 1, medianTolerance: 2 });
 * const lines = realismCaveats({
 *   preset: "m", presetSha256: "1".repeat(64), data: ["t.csv"], sha256: ["0".repeat(64)],
 *   seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
 *   meanPassed: 1.3, judged: Array(10).fill(3), command: "deno task realism …",
 *   facts: { spread: f(10), orderSize: f(0), markout: f(3) },
 * });
 * assert.equal(lines.length, 3);
 * assert.match(lines[1], /^markout fails on 7 of 10 seeds.*P&L/);
 * assert.match(lines[2], /^orderSize fails on 10 of 10/);
 * ```
 */
export function realismCaveats(v: PresetRealism & { stale?: boolean }, variant = false): string[] {
  if (v.stale) {
    return [
      `realism: ${v.preset}'s verdict is stale — the preset file changed since it was measured; ` +
      `measure it again: ${v.command} --force`,
    ];
  }
  const facts = Math.max(...v.judged);
  const lines = [
    `realism: ${v.preset} passes ${v.meanPassed.toFixed(1)} of ${facts} judged facts of ` +
    `${v.data.map(baseName).join(", ")} on average over ${v.seeds.length} simulation seeds` +
    (variant ? " (measured on the preset, not on this stress variant or override)" : ""),
  ];
  const failing = failingFacts(v);
  const pnl = failing.filter((n) => PNL_FACTS.includes(n));
  const rest = failing.filter((n) => !PNL_FACTS.includes(n));
  const line = (n: string) => {
    const f = v.facts[n];
    return `${n} fails on ${f.judged - f.passed} of ${f.judged} seeds`;
  };
  for (const n of pnl) {
    lines.push(
      `${line(n)}: a market maker's P&L rests on it, so the tape does not back the ` +
        "simulated P&L here (docs/realism.md)",
    );
  }
  for (const n of rest) lines.push(line(n));
  const judgedPnl = PNL_FACTS.filter((n) => (v.facts[n]?.judged ?? 0) > 0);
  if (pnl.length === 0 && judgedPnl.length > 0) {
    lines.push(`${judgedPnl.join(", ")} pass on most seeds`);
  }
  return lines;
}

/** The last component of `path` (after its last `/` or `\\`). */
export function baseName(path: string): string {
  const cut = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return path.slice(cut + 1);
}
