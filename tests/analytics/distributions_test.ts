import assert from "node:assert/strict";
import {
  logGamma,
  normalCdf,
  regularizedIncompleteBeta,
  studentTCdf,
  studentTTwoSidedP,
} from "../../lib/analytics/distributions.ts";

const close = (a: number, b: number, tol: number) =>
  assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b} (tol ${tol})`);

Deno.test("logGamma: factorials and Γ(1/2) = √π", () => {
  close(logGamma(1), 0, 1e-14);
  close(logGamma(5), Math.log(24), 1e-13);
  close(logGamma(11), Math.log(3628800), 1e-12);
  close(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-14);
});

Deno.test("regularizedIncompleteBeta: closed forms and scipy.special.betainc values", () => {
  // I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 − (1 − x)^b
  close(regularizedIncompleteBeta(0.37, 1, 1), 0.37, 1e-14);
  close(regularizedIncompleteBeta(0.6, 3, 1), 0.216, 1e-14);
  close(regularizedIncompleteBeta(0.2, 1, 4), 1 - 0.8 ** 4, 1e-14);
  // I_x(½, ½) = (2/π)·asin(√x)
  close(regularizedIncompleteBeta(0.9, 0.5, 0.5), 2 / Math.PI * Math.asin(Math.sqrt(0.9)), 1e-13);
  // scipy.special.betainc(2.5, 1.5, 0.3) and betainc(10, 20, 0.4)
  close(regularizedIncompleteBeta(0.3, 2.5, 1.5), 0.08894372317066562, 1e-13);
  close(regularizedIncompleteBeta(0.4, 10, 20), 0.7853183897628262, 1e-13);
});

Deno.test("studentTTwoSidedP: t-table values", () => {
  // t = 2.0, df = 10 → two-sided p ≈ 0.07339 (scipy: 2·t.sf(2, 10) = 0.07338803477074037)
  close(studentTTwoSidedP(2.0, 10), 0.07338803477074037, 1e-12);
  // the 97.5 % critical value of t(10) is 2.228139 → p = 0.05
  close(studentTTwoSidedP(2.228138851986, 10), 0.05, 1e-10);
  // df = 1 is Cauchy: P(|T| ≥ 1) = 1/2 exactly
  close(studentTTwoSidedP(1, 1), 0.5, 1e-14);
  close(studentTTwoSidedP(-1, 1), 0.5, 1e-14);
  // t(5): 2·sf(3) = 0.030099247897462586; t(3): 2·sf(10) = 0.0021283990584141503
  close(studentTTwoSidedP(3, 5), 0.030099247897462586, 1e-12);
  close(studentTTwoSidedP(10, 3), 0.0021283990584141503, 1e-13);
  close(studentTTwoSidedP(0.5, 30), 0.6207230048851272, 1e-12);
  assert.equal(studentTTwoSidedP(0, 7), 1);
  assert.equal(studentTTwoSidedP(Infinity, 7), 0);
});

Deno.test("studentTCdf and normalCdf: known values", () => {
  close(studentTCdf(2, 10), 0.9633059826146299, 1e-12);
  close(studentTCdf(-2, 10), 1 - 0.9633059826146299, 1e-12);
  close(studentTCdf(1, 1), 0.75, 1e-14); // Cauchy: ½ + atan(1)/π
  close(normalCdf(0), 0.5, 1e-15);
  close(normalCdf(1.96), 0.9750021048517795, 1e-14);
  close(normalCdf(0.5), 0.6914624612740131, 1e-14);
  close(normalCdf(-3), 0.0013498980316300933, 1e-16);
  close(normalCdf(-8) / 6.22096057427174e-16, 1, 1e-10); // relative accuracy in the tail
  // t(1000) is close to the normal
  close(studentTTwoSidedP(1.96, 1000), 0.050273184955748736, 1e-12);
});
