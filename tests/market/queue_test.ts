import assert from "node:assert/strict";
import fc from "npm:fast-check@4.10.2";
import {
  createQueueModel,
  logQueueModel,
  powerQueueModel,
  probabilityQueueModel,
  type QueueModel,
  riskAverseQueueModel,
} from "../../lib/market/mod.ts";
import { empiricalLatencyModel } from "../../lib/market/latency_empirical.ts";
import { Rng } from "../../lib/rng/rng.ts";

const MODELS: QueueModel[] = [
  riskAverseQueueModel(),
  powerQueueModel(1),
  powerQueueModel(2),
  powerQueueModel(5),
  logQueueModel(),
];

Deno.test("queue models: the estimate stays in [0, new level] and never grows on a decrease", () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 1000, noNaN: true }),
      fc.double({ min: 0, max: 1000, noNaN: true }),
      fc.double({ min: 0, max: 1000, noNaN: true }),
      fc.double({ min: 0, max: 1000, noNaN: true }),
      (a, b, c, d) => {
        const prev = Math.max(a, b);
        const front = Math.min(a, b);
        const traded = Math.min(c, prev - front);
        const next = d;
        for (const m of MODELS) {
          const f = m.depth(front, traded, prev, next);
          assert.ok(f >= 0 && f <= Math.max(0, next) + 1e-9, `${m.name}: ${f}`);
          if (next <= prev) assert.ok(f <= front + 1e-9, `${m.name} grew`);
        }
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("queue models: risk-averse ignores cancellations; probability models split them by f", () => {
  const risk = riskAverseQueueModel();
  assert.equal(risk.depth(5, 0, 20, 12), 5); // 8 cancelled: behind us
  assert.equal(risk.depth(5, 0, 20, 3), 3);
  for (const m of MODELS.slice(1)) {
    // at the head of the queue nothing moves us; at its tail every cancellation is ahead
    assert.equal(m.depth(0, 0, 20, 12), 0, m.name);
    assert.equal(m.depth(20, 0, 20, 12), 12, m.name);
  }
  // power(1): in proportion to the quantities (5 ahead of 20: a quarter of 8 cancelled)
  assert.equal(powerQueueModel(1).depth(5, 0, 20, 12), 3);
  // a larger n puts more of the cancellations on the longer side (behind us here)
  const f1 = powerQueueModel(1).depth(5, 0, 20, 12);
  const f3 = powerQueueModel(3).depth(5, 0, 20, 12);
  assert.ok(f3 > f1);
  // log: log(1 + 5) / (log(1 + 5) + log(1 + 15)) of 8 ahead
  const share = Math.log(6) / (Math.log(6) + Math.log(16));
  assert.ok(Math.abs(logQueueModel().depth(5, 0, 20, 12) - (5 - share * 8)) < 1e-12);
  // trades already taken off the front are not counted again
  assert.equal(powerQueueModel(1).depth(2, 3, 20, 17), 2);
  // the back cannot lose more than it holds: the excess comes from the front
  const p = probabilityQueueModel("all-behind", (x) => (x > 0 ? 1e-9 : 0));
  assert.ok(Math.abs(p.depth(10, 0, 12, 4) - 4) < 1e-6);
  assert.equal(createQueueModel({ model: "power", n: 2 }).name, "power(2)");
  assert.equal(createQueueModel({ model: "log" }).name, "log");
});

Deno.test("empirical latency: draws only recorded values, uniformly; rejects bad samples", () => {
  const lat = empiricalLatencyModel([1e6, 2e6, 3e6, 4e6]);
  const rng = new Rng(9);
  const counts = new Map<number, number>();
  for (let i = 0; i < 4000; i++) {
    const x = lat.sample(rng);
    counts.set(x, (counts.get(x) ?? 0) + 1);
  }
  assert.deepEqual([...counts.keys()].sort(), [1e6, 2e6, 3e6, 4e6]);
  for (const c of counts.values()) assert.ok(c > 850 && c < 1150);
  assert.equal(lat.mean(), 2.5e6);
  assert.throws(() => empiricalLatencyModel([]), /at least one/);
  assert.throws(() => empiricalLatencyModel([1, -2]), /samples\[1\]/);
});

Deno.test("queue models: the probability models follow hftbacktest's update (prob = f(back) / (f(back) + f(front)) is the chance a decrease is behind us)", () => {
  // an independent transcription of hftbacktest's ProbQueueModel::depth (no trades since the
  // last change, where its `back` and ours agree): est_front = front − (1 − prob)·chg +
  // min(back − prob·chg, 0), at most the new level
  const reference = (f: (x: number) => number, front: number, prev: number, next: number) => {
    const chg = prev - next;
    if (chg < 0) return Math.min(front, next);
    const back = prev - front;
    let prob = f(back) / (f(back) + f(front));
    if (!Number.isFinite(prob)) prob = 1;
    return Math.min(front - (1 - prob) * chg + Math.min(back - prob * chg, 0), next);
  };
  const cases: [QueueModel, (x: number) => number][] = [
    [powerQueueModel(1), (x) => x],
    [powerQueueModel(3), (x) => x ** 3],
    [logQueueModel(), (x) => Math.log1p(x)],
  ];
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5_000 }),
      fc.double({ min: 0.001, max: 0.999, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (prev, at, kept) => {
        const front = Math.round(prev * at), next = Math.round(prev * kept);
        for (const [m, f] of cases) {
          const want = Math.max(0, reference(f, front, prev, next));
          const got = m.depth(front, 0, prev, next);
          assert.ok(
            Math.abs(got - want) < 1e-9 * Math.max(1, prev),
            `${m.name}: ${got} vs ${want}`,
          );
        }
      },
    ),
    { numRuns: 500 },
  );
});
