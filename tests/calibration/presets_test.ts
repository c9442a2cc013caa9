import assert from "node:assert/strict";
import { LUMP_SEARCH_FACTORS } from "../../lib/calibration/fit_lump.ts";
import { sha256File } from "../../lib/data/io.ts";
import { NOT_STABLE } from "../../lib/calibration/moment_matching.ts";
import { ValidationError } from "../../lib/errors.ts";
import { loadPreset, presetNames, resolveMarket } from "../../lib/env/markets.ts";
import { loadPresetRealism, realismVerdictPath } from "../../lib/env/preset_realism.ts";
import { realismVerdict, runRealismSeeds } from "../../lib/calibration/realism_seeds.ts";
import { loadTape } from "../../lib/data/load.ts";

Deno.test("presets: every shipped preset validates, resolves by name and says where it comes from", async () => {
  const names = await presetNames();
  assert.ok(names.includes("btcusdt") && names.includes("amzn"), names.join(", "));
  for (const name of names) {
    const p = await loadPreset(`data/presets/${name}.json`);
    assert.equal(p.name, name);
    assert.equal(p.env.tier, "book");
    const m = await resolveMarket(name);
    assert.equal(m.source, `data/presets/${name}.json`);
    const prov = p.provenance as {
      sources: { path: string; sha256: string }[];
      estimates: Record<string, { status: string; se: number | null }>;
      notIdentified: string[];
      data: { origin: string }[];
      fitQuality: { hawkes: { converged: boolean } };
      warnings: string[];
    };
    // the data it was calibrated on, byte for byte
    assert.ok(prov.sources.length >= 1);
    for (const s of prov.sources) assert.equal(await sha256File(s.path), s.sha256, s.path);
    assert.ok(prov.data[0].origin.length > 0);
    assert.ok(prov.fitQuality.hawkes.converged);
    // what the data cannot identify is listed, and is not dressed up as a fit
    for (const k of prov.notIdentified) assert.equal(prov.estimates[k].status, "not identified");
    assert.ok(prov.notIdentified.includes("flow.informed.share"));
    assert.ok(Array.isArray(prov.warnings));
    // a fitted or matched value whose 95 % interval contains 0 is said to be one, by name
    const values = prov.estimates as Record<
      string,
      { value: number; se: number | null; ci95?: [number, number]; status: string }
    >;
    for (const [k, e] of Object.entries(values)) {
      if ((e.status !== "fit" && e.status !== "moment-matched") || e.value === 0) continue;
      const [lo, hi] = e.ci95 ??
        (e.se === null ? [NaN, NaN] : [e.value - 1.96 * e.se, e.value + 1.96 * e.se]);
      const said = prov.warnings.some((w) => w.startsWith(`${k} = `));
      assert.equal(said, lo <= 0 && hi >= 0, `${name}: ${k} ${JSON.stringify(e)}`);
      // a matched value whose error is not stable is said to be one
      const unstable = prov.warnings.some((w) => w.startsWith(`${k}: no stable standard error`));
      const method = (e as { method?: string }).method ?? "";
      assert.equal(
        unstable,
        e.status === "moment-matched" && e.se === null && method.includes(NOT_STABLE),
        `${name}: ${k}`,
      );
    }
    // a time scale matched up to its bound is an upper end, and the preset says so
    const scale = (prov.estimates as Record<string, { method?: string }>)["regimes.timeScale"];
    assert.equal(
      prov.warnings.some((w) => w.startsWith("regime time scale: matched to its bound")),
      /at its bound/.test(scale?.method ?? ""),
      name,
    );
  }
  // `amzn-shares` fits the regimes' time scale (`--regime-time-scale`), `amzn` does not
  const shares = await loadPreset("data/presets/amzn-shares.json");
  const sharesEst = (shares.provenance as { estimates: Record<string, { value: number }> })
    .estimates;
  assert.ok(sharesEst["regimes.timeScale"].value > 1);
  const amznEst = (await loadPreset("data/presets/amzn.json")).provenance as {
    estimates: Record<string, unknown>;
  };
  assert.equal(amznEst.estimates["regimes.timeScale"], undefined);
  const btc = await resolveMarket("btcusdt");
  assert.equal(btc.config.tickSize, 0.01);
  assert.ok(btc.config.lotSize < 1 && btc.config.initialPrice > 50_000);
  const amzn = await resolveMarket("amzn+high-latency");
  assert.equal(amzn.config.lotSize, 100);
  assert.ok(amzn.config.initialPrice > 200 && amzn.config.initialPrice < 230);
});

Deno.test("presets: btcusdt-lump prices the uninformed impact in lumps, its lump searched in simulation, and is the best of its starts by the fit's objective", async () => {
  const lump = await loadPreset("data/presets/btcusdt-lump.json");
  const plain = await loadPreset("data/presets/btcusdt.json");
  const prov = lump.provenance as {
    sources: { sha256: string }[];
    estimates: Record<string, { value: number; se: number | null; status: string }>;
    fitQuality: {
      starts: { seeds: number[]; freshObjectives: number[]; chosenSeed: number };
      momentMatching: Record<string, unknown>[];
    };
  };
  // the same tape as `btcusdt`
  assert.equal(
    prov.sources[0].sha256,
    (plain.provenance as { sources: { sha256: string }[] }).sources[0].sha256,
  );
  // the lump is in the market and in its estimates, with its bootstrap error
  const flow = lump.env.flow as unknown as { fundamental: { impactLump: number } };
  const lumpEst = prov.estimates["flow.fundamental.impactLump"];
  assert.equal(flow.fundamental.impactLump, lumpEst.value);
  assert.ok(lumpEst.value > 1 && lumpEst.se !== null && lumpEst.se > 0);
  // searched (`--lump-match`): the kept one of the tried multiples of the median move, the
  // one whose share of still intervals is nearest the tape's
  assert.equal(lumpEst.status, "moment-matched");
  const search = prov.fitQuality.momentMatching.find((r) => "lump" in r) as {
    lump: { lump: number; still: number }[];
    chosen: number;
  };
  assert.equal(search.lump.length, LUMP_SEARCH_FACTORS.length);
  assert.equal(search.chosen, lumpEst.value);
  const [direct] = search.lump;
  search.lump.forEach((p, k) =>
    assert.ok(Math.abs(p.lump - direct.lump * LUMP_SEARCH_FACTORS[k]) < 1e-6 * p.lump)
  );
  const still = /the tape's share of ([\d.]+) %/.exec(
    (prov.estimates["flow.fundamental.impactLump"] as unknown as { method: string }).method,
  );
  const real = Number(still![1]) / 100;
  const miss = search.lump.map((p) => Math.abs(p.still - real));
  assert.equal(search.lump[miss.indexOf(Math.min(...miss))].lump, lumpEst.value);
  assert.equal(
    (plain.provenance as { estimates: Record<string, unknown> }).estimates[
      "flow.fundamental.impactLump"
    ],
    undefined,
  );
  // 16 starts on seeds 0–15, the kept one the smallest objective on the common fresh seeds
  const { seeds, freshObjectives, chosenSeed } = prov.fitQuality.starts;
  assert.deepEqual(seeds, Array.from({ length: 16 }, (_, k) => k));
  const best = freshObjectives.indexOf(Math.min(...freshObjectives));
  assert.equal(chosenSeed, seeds[best]);
});

Deno.test("presets: a preset that fails validation is a named error", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bad = `${dir}/bad.json`;
    await Deno.writeTextFile(
      bad,
      JSON.stringify({ name: "bad", config: { flow: { placment: { alpha: 1 } } } }),
    );
    await assert.rejects(
      () => resolveMarket(bad, "--preset"),
      (e: unknown) =>
        e instanceof ValidationError && /config\.flow\.placment/.test(e.message) &&
        /did you mean "placement"/.test(e.message),
    );
    await Deno.writeTextFile(bad, JSON.stringify({ name: "Bad Name", config: {} }));
    await assert.rejects(
      () => resolveMarket(bad),
      (e: unknown) => e instanceof ValidationError && /name/.test(e.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("presets: a name finds the repository's presets from another working directory", async () => {
  const here = Deno.cwd();
  const dir = await Deno.makeTempDir();
  try {
    Deno.chdir(dir);
    const m = await resolveMarket("amzn");
    assert.ok(m.source.endsWith("data/presets/amzn.json"), m.source);
    assert.equal(m.config.lotSize, 100);
  } finally {
    Deno.chdir(here);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test('presets: a preset file whose path holds a "+" loads, and takes a variant after it', async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/sizes+fast.json`;
    await Deno.copyFile("data/presets/amzn.json", file);
    const m = await resolveMarket(file, "--preset");
    assert.equal(m.source, file);
    const v = await resolveMarket(`${file}+high-latency`, "--preset");
    assert.notDeepEqual(v.config, m.config);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("presets: every fitted or matched value of a shipped preset has a standard error, an interval, or a note that says why not", async () => {
  for (const name of await presetNames()) {
    const p = await loadPreset(`data/presets/${name}.json`);
    const estimates = (p.provenance as {
      estimates: Record<
        string,
        {
          status: string;
          se: number | null;
          ci?: unknown;
          ci95?: unknown;
          note?: string;
          method: string;
        }
      >;
    }).estimates;
    const missing = Object.entries(estimates).filter(([, e]) =>
      (e.status === "fit" || e.status === "moment-matched") &&
      !(typeof e.se === "number" && e.se >= 0) && e.ci === undefined && e.ci95 === undefined &&
      !(e.note !== undefined && e.note.length > 0) && !/no standard error/.test(e.method)
    ).map(([k]) => k);
    assert.deepEqual(missing, [], `${name}: ${missing.join(", ")}`);
  }
});

Deno.test("presets: every shipped preset has a realism verdict, and a fresh run of its command reproduces it bit for bit", async () => {
  const names = await presetNames();
  for (const name of names) {
    const path = `data/presets/${name}.json`;
    const verdict = await loadPresetRealism(path);
    assert.ok(verdict, `${name}: no verdict at ${realismVerdictPath(path)}`);
    assert.equal(verdict.preset, name);
    assert.match(verdict.command, new RegExp(`^deno task realism --preset ${name} .*--verdict$`));
    // the tapes it was measured on, byte for byte
    for (let i = 0; i < verdict.data.length; i++) {
      assert.equal(await sha256File(verdict.data[i]), verdict.sha256[i], verdict.data[i]);
    }
    // measured by the current code on the current preset: the same seeds give the same verdict
    const tapes = [];
    for (const p of verdict.data) tapes.push(await loadTape(p));
    const market = await resolveMarket(name);
    assert.equal(verdict.stale, false, `${name}: the verdict is of another version of the file`);
    const fresh = realismVerdict(runRealismSeeds(market.config, tapes, verdict.seeds), {
      preset: name,
      presetSha256: await sha256File(path),
      data: verdict.data,
      sha256: verdict.sha256,
      command: verdict.command,
    });
    // through JSON, as the file was written
    const { stale: _, ...stored } = verdict;
    assert.deepEqual(JSON.parse(JSON.stringify(fresh)), stored, `${name}: regenerate it`);
  }
});
