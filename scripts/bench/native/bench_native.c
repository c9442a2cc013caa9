/*
 * The model tier's step (model_step.c) compiled natively, timed against the limit loop of
 * `env.model.limit_ratio` (scripts/bench/_model_limit.ts) written in C — the same question as
 * the benchmark, asked of an ahead-of-time optimizing compiler instead of V8:
 *
 *   clang -O3 -ffp-contract=off -fno-strict-aliasing -o /tmp/bench_native \
 *     scripts/bench/native/bench_native.c -lm && /tmp/bench_native
 *
 * The market is the benchmark's (default model-tier config, static 2-tick quotes of one lot)
 * with one fixed regime (model_step.c leaves regime jumps to its caller); the per-env streams
 * are seeded simply (their values do not matter to the timing). Arrays are laid out as
 * lib/env/memory.ts's arenaLayout does (each in its own L1 cache set). Prints, per N, the
 * nanoseconds per env-step of each loop and their ratio (median of 9 interleaved pairs).
 * Measurement only: not part of the library or its tests.
 */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <stdint.h>

#define __attribute__(x)
#include "model_step.c"
#undef __attribute__

f64 js_log(f64 x) { return log(x); }
f64 js_exp(f64 x) { return exp(x); }
f64 js_expm1(f64 x) { return expm1(x); }
i32 regime_jump(i32 i, i32 r) { (void)i; return r; } /* never called: one fixed regime */

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static char* arena;
static size_t top;
static int used[64];
static int nused;
/* arenaLayout: the next cache line whose L1 set no earlier array starts on. */
static void* place(size_t bytes) {
  size_t at = (top + 63) & ~(size_t)63;
  if (nused == 64) { memset(used, 0, sizeof used); nused = 0; }
  while (used[(at % 4096) / 64]) at += 64;
  used[(at % 4096) / 64] = 1;
  nused++;
  top = at + bytes;
  return arena + at;
}

static int cmp(const void* a, const void* b) {
  f64 x = *(const f64*)a, y = *(const f64*)b;
  return x < y ? -1 : x > y;
}

/* The limit loop of scripts/bench/_model_limit.ts. */
static void limit_run(i32 n, i32 steps, f64* mid, f64* cash, f64* inv, u32* st) {
  for (i32 s = 0; s < steps; s++) {
    for (i32 i = 0; i < n; i++) {
      u32 s0 = st[4 * i], s1 = st[4 * i + 1], s2 = st[4 * i + 2], s3 = st[4 * i + 3], x, t;
      f64 uBid, uAsk, uPrice;
      NEXT(uBid) NEXT(uAsk) NEXT(uPrice)
      st[4 * i] = s0; st[4 * i + 1] = s1; st[4 * i + 2] = s2; st[4 * i + 3] = s3;
      const f64 m = mid[i];
      f64 c = cash[i], q = inv[i];
      if (uBid < 0.109) { c -= (m - 0.02) * 100; q += 1; }
      if (uAsk < 0.109) { c += (m + 0.02) * 100; q -= 1; }
      cash[i] = c; inv[i] = q;
      mid[i] = m + 0.0041 * acklam(uPrice + U_SHIFT);
    }
  }
}

int main(void) {
  const i32 sizes[] = {1, 64, 1024, 16384, 65536};
  for (int si = 0; si < 5; si++) {
    const i32 n = sizes[si];
    arena = aligned_alloc(4096, (size_t)n * 8 * 80 + 64 * 4096);
    memset(arena, 0, (size_t)n * 8 * 80 + 64 * 4096);
    top = 0; nused = 0; memset(used, 0, sizeof used);
    Ctx c;
    f64** cols[] = {&c.mid, &c.cash, &c.inv, &c.pnl, &c.bidQuote, &c.askQuote, &c.bidPosted,
      &c.askPosted, &c.bidFilled, &c.askFilled, &c.bidFillPrice, &c.askFillPrice, &c.impact,
      &c.rewardPnl, &c.rewardInv, &c.rewardVol, &c.rewardImp};
    c.obs = place(8 * 9 * (size_t)n);
    c.rewards = place(8 * (size_t)n);
    place(n); place(n); /* terminated, truncated */
    c.impactCost = place(8 * (size_t)n);
    c.vMid = place(8 * (size_t)n); c.vBestBid = place(8 * (size_t)n); c.vBestAsk = place(8 * (size_t)n);
    c.vTimeLeft = place(8 * (size_t)n); c.vSigma = place(8 * (size_t)n);
    for (int j = 0; j < 17; j++) {
      *cols[j] = place(8 * (size_t)n);
      if (j == 11) c.regime = place(4 * (size_t)n);
    }
    c.rec = place(8 * 12 * (size_t)n);
    place(16 * (size_t)n); /* regime stream */
    c.impLast = place(8 * (size_t)n);
    c.act = place(8 * 4 * (size_t)n);
    c.sigStep = place(8); c.lamA = place(8); c.flowMean = place(8); c.flowP0 = place(8);
    c.K = place(8 * 32);
    c.n = n; c.linear = 0; c.binomial = 0; c.fillAtEnd = 0; c.impKind = 1; c.regimesMove = 0;
    /* The default market (lib/env/config.ts), one regime, dt = 0.1 s. */
    const f64 dt = 0.1, sigma0 = 0.013074409009212268;
    const f64 K[22] = {dt, 0.01, 100, 50, 20, 0, 5, 30, sigma0, 0.01, 100000, 0,
      1 - pow(2, -dt / 10), 1 - pow(2, -dt / 5), 1, 0.00002, 0.1 * 100 * sqrt(dt), 1,
      0.00002, 0.00002, 0, 0};
    memcpy(c.K, K, sizeof K);
    c.sigStep[0] = sigma0 * sqrt(dt); c.lamA[0] = 2; c.flowMean[0] = 2 * dt; c.flowP0[0] = exp(-2 * dt);
    for (i32 i = 0; i < n; i++) {
      f64* a = c.act + 4 * i;
      a[0] = 2; a[1] = 2; a[2] = 1; a[3] = 1;
      c.mid[i] = 100;
      c.rec[12 * i] = 100;
      c.rec[12 * i + R_VOL_VAR] = sigma0 * sigma0;
      c.rec[12 * i + R_OFF_B] = NAN; c.rec[12 * i + R_OFF_A] = NAN;
      u32* r = (u32*)(c.rec + 12 * i) + W_STEP;
      r[0] = 0x9E3779B9u * (i + 1); r[1] = 0x85EBCA6Bu ^ i; r[2] = 0xC2B2AE35u + i; r[3] = 1 + i;
    }
    f64* mid = place(8 * (size_t)n); f64* cash = place(8 * (size_t)n); f64* inv = place(8 * (size_t)n);
    u32* st = place(16 * (size_t)n);
    for (i32 i = 0; i < n; i++) {
      mid[i] = 100;
      st[4 * i] = 0x9E3779B9u * (i + 1); st[4 * i + 1] = 2; st[4 * i + 2] = 3; st[4 * i + 3] = 4 + i;
    }
    const i32 steps = 4000000 / n > 0 ? 4000000 / n : 1;
    i32 stepIndex = 0;
    f64 kern[9], lim[9], ratio[9];
    for (int p = -2; p < 9; p++) {
      double t0 = now();
      limit_run(n, steps, mid, cash, inv, st);
      const double tl = now() - t0;
      t0 = now();
      for (i32 s = 0; s < steps; s++) step(&c, ++stepIndex % 900000 + 1);
      const double tk = now() - t0;
      if (p < 0) continue;
      kern[p] = tk / steps / n * 1e9;
      lim[p] = tl / steps / n * 1e9;
      ratio[p] = tl / tk;
    }
    qsort(kern, 9, sizeof(f64), cmp); qsort(lim, 9, sizeof(f64), cmp); qsort(ratio, 9, sizeof(f64), cmp);
    printf("N = %6d: C kernel %5.1f ns/env-step, C limit loop %5.1f ns/env-step, ratio %.2f (check %g %g)\n",
           n, kern[4], lim[4], ratio[4], c.pnl[0], cash[0]);
    free(arena);
  }
  return 0;
}
