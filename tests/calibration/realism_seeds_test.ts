import assert from "node:assert/strict";
import fc from "npm:fast-check@4.10.2";
import { loadTapeSync } from "../../lib/data/load.ts";
import { type FactResult, type RealismResult, runRealism } from "../../lib/calibration/realism.ts";
import {
  combineSeeds,
  realismSeedsSummary,
  runRealismSeeds,
  seedRange,
} from "../../lib/calibration/realism_seeds.ts";
import { realismSeedsHtml } from "../../lib/calibration/realism_report.ts";
import { ValidationError } from "../../lib/errors.ts";

function fact(name: string, distance: number, tolerance: number): FactResult {
  return {
    name,
    title: name,
    kind: "scalar",
    distanceKind: "relative",
    x: [],
    xLabel: "",
    unit: "",
    real: [1],
    sim: [1],
    realSe: [0],
    simSe: [0],
    distance,
    tolerance,
    pass: Number.isFinite(distance) ? distance <= tolerance : null,
    samples: { real: 100, sim: 100 },
  };
}

function run(facts: FactResult[]): RealismResult {
  return {
    facts,
    blockSeconds: 60,
    resamples: 100,
    seconds: { real: 600, sim: 600 },
    blocks: { real: 10, sim: 10 },
  };
}

Deno.test("combineSeeds: counts, medians and per-seed verdicts agree with the runs, whatever they are", () => {
  const names = ["a", "b", "c"];
  const cell = fc.oneof(fc.double({ min: 0, max: 2, noNaN: true }), fc.constant(NaN));
  fc.assert(
    fc.property(
      fc.array(
        fc.array(fc.tuple(cell, fc.double({ min: 0.01, max: 1, noNaN: true })), {
          minLength: 3,
          maxLength: 3,
        }),
        { minLength: 1, maxLength: 12 },
      ),
      (table) => {
        const runs = table.map((row) => run(row.map(([d, t], i) => fact(names[i], d, t))));
        const seeds = runs.map((_, s) => 100 + s);
        const r = combineSeeds(seeds, runs);
        assert.deepEqual(r.seeds, seeds);
        for (let s = 0; s < runs.length; s++) {
          const judged = runs[s].facts.filter((f) => f.pass !== null);
          assert.equal(r.judged[s], judged.length);
          assert.equal(r.passed[s], judged.filter((f) => f.pass).length);
        }
        assert.ok(
          Math.abs(r.meanPassed - r.passed.reduce((a, b) => a + b, 0) / runs.length) < 1e-12,
        );
        for (const [i, f] of r.facts.entries()) {
          assert.equal(f.name, names[i]);
          assert.deepEqual(f.pass, runs.map((x) => x.facts[i].pass));
          assert.equal(f.passed, f.pass.filter((p) => p === true).length);
          assert.equal(f.judged, f.pass.filter((p) => p !== null).length);
          // the median of the finite distances: as many at or below it as at or above it
          const finite = f.distance.filter(Number.isFinite);
          if (finite.length === 0) assert.ok(Number.isNaN(f.medianDistance));
          else {
            const below = finite.filter((d) => d <= f.medianDistance).length;
            const above = finite.filter((d) => d >= f.medianDistance).length;
            assert.ok(below >= finite.length / 2 && above >= finite.length / 2);
          }
        }
      },
    ),
  );
});

Deno.test("combineSeeds: runs of other facts, or seeds that do not match the runs, are named errors", () => {
  const a = run([fact("a", 0.1, 0.2)]);
  const b = run([fact("b", 0.1, 0.2)]);
  assert.throws(
    () => combineSeeds([0, 1], [a, b]),
    (e) => e instanceof ValidationError && /runs/.test(e.message),
  );
  assert.throws(
    () => combineSeeds([0], [a, a]),
    (e) => e instanceof ValidationError && /seeds/.test(e.message),
  );
  assert.throws(() => combineSeeds([], []), /seeds/);
});

Deno.test("seedRange: consecutive seeds from the first, within the generator's range", () => {
  assert.deepEqual(seedRange(0, 1), [0]);
  assert.deepEqual(seedRange(7, 3), [7, 8, 9]);
  assert.throws(() => seedRange(0, 0, "--seeds"), /--seeds/);
  assert.throws(() => seedRange(4_294_967_294, 3, "--seeds"), /--seeds/);
  assert.throws(() => seedRange(-1, 2), /seed/);
  assert.throws(() => seedRange(0, 1.5), /seeds/);
});

Deno.test("runRealismSeeds: each seed's verdicts are that seed's own run, bit for bit, and the summary keeps seed order", () => {
  const tape = loadTapeSync("data/real/binance/spot_btcusdt_20240808.gz");
  const config = { tickSize: 0.01, lotSize: 0.001, initialPrice: 61_700, duration: 60 };
  const options = { seconds: 120, episodeSeconds: 60, resamples: 20 };
  const heard: number[] = [];
  const r = runRealismSeeds(config, [tape], [5, 3], options, (seed) => heard.push(seed));
  assert.deepEqual(heard, [5, 3]);
  for (const [s, seed] of [5, 3].entries()) {
    const alone = runRealism(config, [tape], { ...options, seed }).result;
    assert.deepEqual(r.runs[s].facts.map((f) => f.distance), alone.facts.map((f) => f.distance));
    assert.deepEqual(r.facts.map((f) => f.pass[s]), alone.facts.map((f) => f.pass));
  }
  // two seeds are two simulations
  assert.notDeepEqual(r.runs[0].facts.map((f) => f.sim), r.runs[1].facts.map((f) => f.sim));
  const summary = realismSeedsSummary(r) as {
    seeds: number[];
    passed: number[];
    facts: Record<string, { pass: (boolean | null)[]; passed: number }>;
  };
  assert.deepEqual(summary.seeds, [5, 3]);
  assert.deepEqual(summary.passed, r.passed);
  assert.equal(Object.keys(summary.facts).length, 17);
  assert.deepEqual(summary.facts.spread.pass, r.facts[0].pass);
  const html = realismSeedsHtml(r, { title: "t", preset: "p", data: ["BTC"] });
  assert.ok(html.includes("over 2 simulation seeds (5, 3)"), html.slice(0, 2_000));
  assert.ok(html.includes("Figures of the first seed (5)"));
  assert.equal(html, realismSeedsHtml(r, { title: "t", preset: "p", data: ["BTC"] }));
});
