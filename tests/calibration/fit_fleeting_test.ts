import assert from "node:assert/strict";
import {
  fitFleeting,
  FLEETING_MAX_LIFE,
  FLEETING_WINDOW,
  fleetingResponsibility,
} from "../../lib/calibration/fit_fleeting.ts";
import { Rng } from "../../lib/rng/rng.ts";

/** Lifetimes of `n` orders: fleeting with probability `share` (rate `mu`), else rate `nu`; executed first at rate `exec`. */
function lifetimes(n: number, share: number, mu: number, nu: number, exec: number, seed: number) {
  const rng = new Rng(seed);
  const life: number[] = [];
  const deleted: number[] = [];
  for (let i = 0; i < n; i++) {
    const fleeting = rng.next() < share;
    const t = -Math.log(1 - rng.next()) / (fleeting ? mu : nu);
    const c = -Math.log(1 - rng.next()) / exec;
    life.push(Math.min(t, c));
    deleted.push(t < c ? 1 : 0);
  }
  return { life, deleted };
}

Deno.test("fitFleeting recovers the share and rate of the fleeting orders within 4 standard errors (5 seeds, 3 truths)", () => {
  const truths = [
    { share: 0.3, mu: 250, nu: 0.3 },
    { share: 0.1, mu: 40, nu: 1 },
    { share: 0.6, mu: 1_000, nu: 0.05 },
  ];
  for (const [k, tr] of truths.entries()) {
    for (let seed = 1; seed <= 5; seed++) {
      const { life, deleted } = lifetimes(6_000, tr.share, tr.mu, tr.nu, 0.3, 100 * k + seed);
      const f = fitFleeting(life, deleted);
      const at = `truth ${k}, seed ${seed}`;
      assert.equal(f.reason, "", at);
      assert.ok(f.se.share > 0 && f.se.rate > 0, at);
      assert.ok(
        Math.abs(f.share - tr.share) < 4 * f.se.share,
        `${at}: share ${f.share} ± ${f.se.share}`,
      );
      assert.ok(Math.abs(f.rate - tr.mu) < 4 * f.se.rate, `${at}: rate ${f.rate} ± ${f.se.rate}`);
    }
  }
});

Deno.test("fitFleeting: lifetimes beyond the window only count as censored there", () => {
  const { life, deleted } = lifetimes(3_000, 0.3, 200, 0.5, 0.2, 9);
  const a = fitFleeting(life, deleted);
  // every life beyond the window made longer still, and its end a deletion: the same fit
  const longer = life.map((t) => (t > FLEETING_WINDOW ? t * 10 : t));
  const ends = deleted.map((d, i) => (life[i] > FLEETING_WINDOW ? 1 : d));
  const b = fitFleeting(longer, ends);
  assert.equal(b.share, a.share);
  assert.equal(b.rate, a.rate);
});

Deno.test("fitFleeting: nothing fleeting without a fast component, or with too few orders, and says why", () => {
  // one exponential of mean 2 s, or a fast component slower than the fleeting bound
  for (let seed = 1; seed <= 10; seed++) {
    // one exponential: no second component, by the likelihood ratio (10 seeds)
    const slow = lifetimes(4_000, 0, 1, 0.5 + 0.5 * seed, 0.2, seed);
    const f = fitFleeting(slow.life, slow.deleted);
    assert.equal(f.share, 0, `seed ${seed}: ${f.share}`);
    assert.match(f.reason, /likelihood ratio|mean lifetime|second component/);
  }
  const mu = 0.5 / FLEETING_MAX_LIFE; // a mean lifetime twice the bound
  const notFast = lifetimes(4_000, 0.4, mu, 0.2, 0.2, 4);
  const f = fitFleeting(notFast.life, notFast.deleted);
  assert.equal(f.share, 0);
  assert.match(f.reason, /mean lifetime/);
  const few = fitFleeting([0.001, 0.002, 5], [1, 1, 0]);
  assert.equal(few.share, 0);
  assert.match(few.reason, /3 orders/);
  assert.equal(fitFleeting([], []).share, 0);
});

Deno.test("fleetingResponsibility: a probability, falling with the lifetime, 0 beyond the window", () => {
  const fit = { share: 0.3, rate: 250, regularRate: 0.3 };
  let prev = 1;
  for (const t of [0, 1e-6, 1e-3, 0.01, 0.03, 0.1, 0.5, 1]) {
    const r = fleetingResponsibility(fit, t);
    assert.ok(r >= 0 && r <= 1 && r <= prev, `${t}: ${r}`);
    prev = r;
  }
  assert.equal(fleetingResponsibility(fit, 2), 0);
  assert.equal(fleetingResponsibility({ share: 0, rate: 0, regularRate: 1 }, 0.001), 0);
});
