/*
 * The model tier's step (lib/env/model_env.ts, ModelVecEnv.stepEnvs) transcribed to C, line
 * for line: the same arithmetic in the same order, so that its WebAssembly build gives the
 * same bits as the JavaScript kernel (scripts/bench/native/check.ts verifies it, array by
 * array, step by step). It exists to answer one question: how fast can this step's work run
 * when compiled ahead of time by an optimizing C compiler (clang -O3), next to the same limit
 * loop the benchmark `env.model.limit_ratio` uses (bench_native.c)? Measurement only: the
 * library does not use it.
 *
 * Differences from the JavaScript kernel, none of which runs in the measured configuration:
 * the regime chain's jumps (rare: the default chain jumps about once per 1,000 steps) call
 * `regime_jump`, supplied by the caller; Math.log / exp / expm1 are the caller's functions
 * (imported from JavaScript in the WebAssembly build, libm natively).
 */
#include <stdint.h>
typedef double f64;
typedef int32_t i32;
typedef uint32_t u32;
__attribute__((import_module("m"), import_name("log"))) f64 js_log(f64);
__attribute__((import_module("m"), import_name("exp"))) f64 js_exp(f64);
__attribute__((import_module("m"), import_name("expm1"))) f64 js_expm1(f64);
__attribute__((import_module("m"), import_name("regime_jump"))) i32 regime_jump(i32 i, i32 r);

enum { K_DT, K_TICK, K_LOT, K_MAX_INV, K_MAX_OFF, K_MIN_OFF, K_MAX_SIZE, K_K, K_SIGMA0, K_HALF_SPREAD,
 K_DURATION, K_MAKER, K_VOL_A, K_FLOW_A, K_W_PNL, K_W_INV, K_W_VOL, K_W_IMP, K_IMP_A, K_IMP_B, K_IMP_C, K_IMP_RATE, K_COUNT };
enum { REC = 12, R_FUND = 0, R_REG_LEFT, R_VOL_VAR, R_FLOW_S, R_FLOW_T, R_IMP_LEVEL, R_OFF_B, R_P_B, R_OFF_A, R_P_A, W_STEP = 20, REC32 = 24 };

typedef struct {
  f64 *mid,*cash,*inv,*pnl,*bidQuote,*askQuote,*bidPosted,*askPosted,*bidFilled,*askFilled,*bidFillPrice,*askFillPrice,*impact,*rewardPnl,*rewardInv,*rewardVol,*rewardImp;
  i32 *regime;
  f64 *vMid,*vBestBid,*vBestAsk,*vTimeLeft,*vSigma,*obs,*rewards,*impactCost,*rec,*impLast,*act;
  f64 *sigStep,*lamA,*flowMean,*flowP0;
  f64 *K;
  i32 n, linear, binomial, fillAtEnd, impKind, regimesMove;
} Ctx;

#define A1 -3.969683028665376e1
#define A2 2.209460984245205e2
#define A3 -2.759285104469687e2
#define A4 1.38357751867269e2
#define A5 -3.066479806614716e1
#define A6 2.506628277459239
#define B1 -5.447609879822406e1
#define B2 1.615858368580409e2
#define B3 -1.556989798598866e2
#define B4 6.680131188771972e1
#define B5 -1.328068155288572e1
#define C1 -7.784894002430293e-3
#define C2 -3.223964580411365e-1
#define C3 -2.400758277161838
#define C4 -2.549732539343734
#define C5 4.374664141464968
#define C6 2.938163982698783
#define D1 7.784695709041462e-3
#define D2 3.224671290700398e-1
#define D3 2.445134137142996
#define D4 3.754408661907416
#define P_LOW 0.02425
#define P_HIGH (1 - P_LOW)
#define U_SHIFT 1.1641532182693481e-10
#define U2F (1.0 / 4294967296.0)

/* Acklam's inverse normal, as normalFromUniform (lib/rng): three branches, the same expressions. */
static inline f64 acklam(f64 p) {
  if (p >= P_LOW && p <= P_HIGH) {
    const f64 q = p - 0.5, rr = q * q;
    return (((((A1 * rr + A2) * rr + A3) * rr + A4) * rr + A5) * rr + A6) * q /
           (((((B1 * rr + B2) * rr + B3) * rr + B4) * rr + B5) * rr + 1);
  }
  if (p < P_LOW) {
    const f64 q = __builtin_sqrt(-2 * js_log(p));
    return (((((C1 * q + C2) * q + C3) * q + C4) * q + C5) * q + C6) / ((((D1 * q + D2) * q + D3) * q + D4) * q + 1);
  }
  const f64 q = __builtin_sqrt(-2 * js_log(1 - p));
  return -(((((C1 * q + C2) * q + C3) * q + C4) * q + C5) * q + C6) / ((((D1 * q + D2) * q + D3) * q + D4) * q + 1);
}

static inline u32 rotl(u32 x, int k) { return (x << k) | (x >> (32 - k)); }
static inline f64 jsround(f64 x) { f64 r = __builtin_floor(x); return (x - r >= 0.5) ? r + 1 : r; }

void step(Ctx* c, i32 stepIndex) {
  const i32 n = c->n;
  const f64* K = c->K;
  const f64 dt = K[K_DT], invDt = 1 / dt, tick = K[K_TICK], lot = K[K_LOT], maxInv = K[K_MAX_INV];
  const f64 invScale = 1 / maxInv, maxOff = K[K_MAX_OFF], minOff = K[K_MIN_OFF], maxSize = K[K_MAX_SIZE], k = K[K_K];
  const i32 linear = c->linear, binomial = c->binomial, fillAtEnd = c->fillAtEnd, impKind = c->impKind;
  const f64 sigma0 = K[K_SIGMA0];
  const f64 retScale = sigma0 > 0 ? 1 / (sigma0 * __builtin_sqrt(dt)) : 0;
  const f64 volScale = sigma0 > 0 ? 1 / sigma0 : 0;
  const f64 halfSpread = K[K_HALF_SPREAD], duration = K[K_DURATION];
  const f64 tEnd = stepIndex * dt;
  const f64 timeLeft = duration - tEnd > 0 ? duration - tEnd : 0;
  const f64 timeObs = timeLeft / duration;
  const f64 makerRate = K[K_MAKER], volA = K[K_VOL_A], flowA = K[K_FLOW_A];
  const f64 wPnl = K[K_W_PNL], wInv = K[K_W_INV], wVol = K[K_W_VOL], wImp = K[K_W_IMP];
  const i32 impDecays = impKind >= 2;
  const f64 impA = K[K_IMP_A], impB = K[K_IMP_B], impC = K[K_IMP_C], impRate = K[K_IMP_RATE];
  f64 * __restrict__ L_mid = c->mid, * __restrict__ L_cash = c->cash, * __restrict__ L_inv = c->inv, * __restrict__ L_pnl = c->pnl, * __restrict__ L_bidQuote = c->bidQuote, * __restrict__ L_askQuote = c->askQuote, * __restrict__ L_bidPosted = c->bidPosted, * __restrict__ L_askPosted = c->askPosted, * __restrict__ L_bidFilled = c->bidFilled, * __restrict__ L_askFilled = c->askFilled, * __restrict__ L_bidFillPrice = c->bidFillPrice, * __restrict__ L_askFillPrice = c->askFillPrice, * __restrict__ L_impact = c->impact, * __restrict__ L_rewardPnl = c->rewardPnl, * __restrict__ L_rewardInv = c->rewardInv, * __restrict__ L_rewardVol = c->rewardVol, * __restrict__ L_rewardImp = c->rewardImp, * __restrict__ L_vMid = c->vMid, * __restrict__ L_vBestBid = c->vBestBid, * __restrict__ L_vBestAsk = c->vBestAsk, * __restrict__ L_vTimeLeft = c->vTimeLeft, * __restrict__ L_vSigma = c->vSigma, * __restrict__ L_obs = c->obs, * __restrict__ L_rewards = c->rewards, * __restrict__ L_impactCost = c->impactCost, * __restrict__ L_impLast = c->impLast, * __restrict__ L_act = c->act, * __restrict__ L_sigStep = c->sigStep, * __restrict__ L_lamA = c->lamA, * __restrict__ L_flowMean = c->flowMean, * __restrict__ L_flowP0 = c->flowP0;
  i32 * __restrict__ L_regime = c->regime;
  f64 *rec = c->rec; u32* rec32 = (u32*)rec;
  for (i32 i = 0; i < n; i++) L_vTimeLeft[i] = timeLeft;
  if (c->regimesMove) {
    for (i32 i = 0; i < n; i++) {
      const f64 left = rec[i * REC + R_REG_LEFT] - dt;
      rec[i * REC + R_REG_LEFT] = left;
      if (left <= 0) L_regime[i] = regime_jump(i, L_regime[i]);
    }
  }
  for (i32 i = 0; i < n; i++) {
    f64* R = rec + i * REC;
    const f64* a = L_act + i * 4;
    const f64 mid0 = L_mid[i];
    f64 inv = L_inv[i], cash = L_cash[i];
    const f64 pnl0 = L_pnl[i];
    const i32 r = L_regime[i];
    u32* st = rec32 + REC32 * i + W_STEP;
    u32 s0 = st[0], s1 = st[1], s2 = st[2], s3 = st[3], x, t;
#define NEXT(dst) x = rotl(s1 * 5, 7) * 9; t = s1 << 9; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11); dst = (f64)x * U2F;
    f64 uBid, uAsk, uPrice, uFlow;
    NEXT(uBid) NEXT(uAsk) NEXT(uPrice) NEXT(uFlow)
    st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
    f64 qb = a[2]; qb = jsround(qb < 0 ? 0 : qb > maxSize ? maxSize : qb);
    f64 qa = a[3]; qa = jsround(qa < 0 ? 0 : qa > maxSize ? maxSize : qa);
    const int bidOn = qb > 0 && inv + qb <= maxInv;
    const int askOn = qa > 0 && inv - qa >= -maxInv;
    f64 offB = a[0]; offB = offB > maxOff ? maxOff : offB < minOff ? minOff : offB;
    f64 offA = a[1]; offA = offA > maxOff ? maxOff : offA < minOff ? minOff : offA;
    const f64 deltaB = offB * tick, deltaA = offA * tick;
    const f64 bid = mid0 - deltaB, ask = mid0 + deltaA;
    const f64 sigmaStep = L_sigStep[r];
    f64 move;
    if (binomial) move = uPrice < 0.5 ? -sigmaStep : sigmaStep;
    else {
      move = sigmaStep * acklam(uPrice + U_SHIFT);
    }
    const f64 s = R[R_FUND] + move;
    R[R_FUND] = s;
    f64 level = R[R_IMP_LEVEL], pre = level;
    if (impDecays && level != 0) { const f64 gap = tEnd - L_impLast[i]; if (gap > 0) pre = level * js_exp(-impRate * gap); }
    f64 pB = 0, pA = 0, bf = 0, af = 0;
    const f64 lam = L_lamA[r];
    if (fillAtEnd) {
      const f64 mEnd = s + pre;
      if (bidOn) { const f64 xx = lam * js_exp(-k * (mEnd - bid)) * dt; pB = linear ? (xx < 1 ? xx : 1) : -js_expm1(-xx); }
      if (askOn) { const f64 xx = lam * js_exp(-k * (ask - mEnd)) * dt; pA = linear ? (xx < 1 ? xx : 1) : -js_expm1(-xx); }
    } else {
      if (bidOn) { if (offB != R[R_OFF_B]) { R[R_OFF_B] = offB; const f64 xx = lam * js_exp(-k * deltaB) * dt; R[R_P_B] = linear ? (xx < 1 ? xx : 1) : -js_expm1(-xx); } pB = R[R_P_B]; }
      if (askOn) { if (offA != R[R_OFF_A]) { R[R_OFF_A] = offA; const f64 xx = lam * js_exp(-k * deltaA) * dt; R[R_P_A] = linear ? (xx < 1 ? xx : 1) : -js_expm1(-xx); } pA = R[R_P_A]; }
    }
    const f64 NaN = __builtin_nan("");
    if (bidOn) {
      L_bidQuote[i] = bid; L_bidPosted[i] = qb;
      if (uBid < pB) { bf = qb; const f64 no = bid * qb * lot; cash -= no; cash -= __builtin_fabs(no) * makerRate; L_bidFillPrice[i] = bid; }
      else L_bidFillPrice[i] = NaN;
    } else { L_bidQuote[i] = NaN; L_bidPosted[i] = 0; L_bidFillPrice[i] = NaN; }
    if (askOn) {
      L_askQuote[i] = ask; L_askPosted[i] = qa;
      if (uAsk < pA) { af = qa; const f64 no = ask * qa * lot; cash += no; cash -= __builtin_fabs(no) * makerRate; L_askFillPrice[i] = ask; }
      else L_askFillPrice[i] = NaN;
    } else { L_askQuote[i] = NaN; L_askPosted[i] = 0; L_askFillPrice[i] = NaN; }
    L_bidFilled[i] = bf; L_askFilled[i] = af;
    inv += bf - af;
    const f64 net = bf - af;
    f64 cost = 0, offset = pre;
    if (net != 0 && impKind != 0) {
      const f64 q = net < 0 ? -net : net;
      if (impKind == 1) { level += impA * net; cost = lot * q * (impC + impB * q / dt); offset = level; }
      else {
        f64 shift;
        if (impKind == 3) { shift = impA * net; cost = 0.5 * lot * q * (shift < 0 ? -shift : shift); }
        else { const f64 im = impA * __builtin_sqrt(q); shift = net > 0 ? im : -im; cost = lot * q * im; }
        level = pre + shift;
        if (tEnd > L_impLast[i]) L_impLast[i] = tEnd;
        offset = level;
      }
      R[R_IMP_LEVEL] = level;
      cash -= cost;
    }
    const f64 mid = s + offset;
    const f64 pnl = cash + inv * lot * mid;
    L_mid[i] = mid; L_cash[i] = cash; L_inv[i] = inv; L_pnl[i] = pnl; L_regime[i] = r;
    L_impact[i] = offset - pre; L_impactCost[i] = cost;
    const f64 fm = L_flowMean[r], f0 = L_flowP0[r];
    i32 buys = 0, sells = 0; f64 pk = f0, cdf = f0;
    while (uFlow > cdf && buys < 1000) { buys++; pk *= fm / buys; cdf += pk; }
    uFlow = (uFlow - (cdf - pk)) / pk;
    pk = f0; cdf = f0;
    while (uFlow > cdf && sells < 1000) { sells++; pk *= fm / sells; cdf += pk; }
    const f64 dMid = mid - mid0;
    const f64 vv = R[R_VOL_VAR];
    const f64 var1 = vv + volA * (dMid * dMid * invDt - vv);
    R[R_VOL_VAR] = var1;
    const f64 sig = __builtin_sqrt(var1);
    L_vSigma[i] = sig;
    const f64 fs0 = R[R_FLOW_S], ft0 = R[R_FLOW_T];
    const f64 fs = fs0 + flowA * ((f64)(buys - sells) - fs0);
    const f64 ft = ft0 + flowA * ((f64)(buys + sells) - ft0);
    R[R_FLOW_S] = fs; R[R_FLOW_T] = ft;
    const f64 flowRatio = ft > 0 ? fs / ft : 0;
    const f64 rP = wPnl * (pnl - pnl0 + cost);
    const f64 rI = wInv * inv * inv;
    const f64 rV = wVol * sig * (inv < 0 ? -inv : inv);
    const f64 rM = wImp * cost;
    L_rewardPnl[i] = rP; L_rewardInv[i] = rI; L_rewardVol[i] = rV; L_rewardImp[i] = rM;
    L_rewards[i] = rP - rI - rV - rM;
    L_vMid[i] = mid; L_vBestBid[i] = mid - halfSpread; L_vBestAsk[i] = mid + halfSpread;
    f64* ob = L_obs + i * 9;
    const f64 oi = inv * invScale; ob[0] = oi < -5 ? -5 : oi > 5 ? 5 : oi;
    ob[1] = timeObs;
    const f64 orr = dMid * retScale; ob[3] = orr < -5 ? -5 : orr > 5 ? 5 : orr;
    const f64 ov = sig * volScale; ob[4] = ov < -5 ? -5 : ov > 5 ? 5 : ov;
    ob[6] = flowRatio; ob[7] = 1 - pB; ob[8] = 1 - pA;
  }
}
