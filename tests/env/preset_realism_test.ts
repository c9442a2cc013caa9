import assert from "node:assert/strict";
import fc from "npm:fast-check@4.10.2";
import { sha256File } from "../../lib/data/io.ts";
import { ValidationError } from "../../lib/errors.ts";
import { marketRealismCaveats, resolveMarket } from "../../lib/env/markets.ts";
import {
  failingFacts,
  loadPresetRealism,
  parsePresetRealism,
  PNL_FACTS,
  type PresetRealism,
  realismCaveats,
  realismVerdictPath,
} from "../../lib/env/preset_realism.ts";

const FACTS = ["spread", "markout", "priceResponse", "midChanges", "orderSize", "kurtosis1s"];

function verdict(passed: Record<string, number>, judged = 10): PresetRealism {
  const facts: PresetRealism["facts"] = {};
  for (const [name, p] of Object.entries(passed)) {
    facts[name] = { judged, passed: p, medianDistance: 1, medianTolerance: 2 };
  }
  return {
    preset: "p",
    presetSha256: "c".repeat(64),
    data: ["data/t.csv"],
    sha256: ["a".repeat(64)],
    seeds: Array.from({ length: judged }, (_, i) => i),
    meanPassed: 3,
    judged: Array(judged).fill(Object.keys(passed).length),
    facts,
    command: "deno task realism --preset p --data data/t.csv --seed 0 --seeds 10 --verdict",
  };
}

Deno.test("preset realism: the caveats name every fact failing on half its seeds or more, once, the P&L facts first and said to be", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 10 }), {
        minLength: FACTS.length,
        maxLength: FACTS.length,
      }),
      (counts) => {
        const v = verdict(Object.fromEntries(FACTS.map((f, i) => [f, counts[i]])));
        const lines = realismCaveats(v);
        assert.match(
          lines[0],
          /^realism: p passes 3\.0 of 6 judged facts of t\.csv on average over 10/,
        );
        const failing = FACTS.filter((_, i) => counts[i] <= 5);
        assert.deepEqual(failingFacts(v).sort(), [...failing].sort());
        const named = lines.slice(1).map((l) => l.split(" ")[0]);
        const pnl = failing.filter((f) => PNL_FACTS.includes(f));
        // every failing fact once; the P&L facts first, each said to carry the P&L
        assert.deepEqual(named.slice(0, failing.length).sort(), [...failing].sort());
        assert.deepEqual(named.slice(0, pnl.length).sort(), [...pnl].sort());
        for (const l of lines.slice(1, 1 + pnl.length)) assert.match(l, /P&L rests on it/);
        for (const l of lines.slice(1 + pnl.length, 1 + failing.length)) {
          assert.doesNotMatch(l, /P&L/);
        }
        // when none of the P&L facts fails, a last line says they pass
        assert.equal(lines.length, 1 + failing.length + (pnl.length === 0 ? 1 : 0));
        if (pnl.length === 0) assert.match(lines[lines.length - 1], /pass on most seeds$/);
      },
    ),
  );
});

Deno.test("preset realism: a verdict that contradicts itself is a named error", () => {
  const good = verdict({ markout: 4 });
  assert.deepEqual(parsePresetRealism(JSON.parse(JSON.stringify(good))), good);
  const bad = (v: unknown, field: RegExp) =>
    assert.throws(
      () => parsePresetRealism(v, "v.json"),
      (e: unknown) => e instanceof ValidationError && field.test(e.field),
    );
  bad({ ...good, facts: { markout: { ...good.facts.markout, passed: 11 } } }, /facts\.markout/);
  bad({ ...good, sha256: [] }, /sha256/);
  bad({ ...good, sha256: ["a".repeat(64), "b".repeat(64)] }, /sha256/);
  bad({ ...good, judged: [1] }, /judged/);
  bad({ ...good, seeds: [] }, /seeds/);
  bad({ ...good, extra: 1 }, /extra|v\.json/);
});

Deno.test("preset realism: read from realism/NAME.json beside the preset; absent is none, unreadable is an error naming the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const preset = `${dir}/m.json`;
    await Deno.copyFile("data/presets/btcusdt-lump.json", preset);
    assert.equal(await loadPresetRealism(preset), null);
    assert.equal((await resolveMarket(preset)).realism, undefined);
    assert.deepEqual(marketRealismCaveats(await resolveMarket(preset)), []);
    const path = realismVerdictPath(preset);
    assert.equal(path, `${dir}/realism/m.json`);
    await Deno.mkdir(`${dir}/realism`);
    await Deno.writeTextFile(path, "{ not json");
    await assert.rejects(
      () => loadPresetRealism(preset),
      (e: unknown) =>
        e instanceof ValidationError && e.value === path && /valid JSON/.test(e.expected),
    );
    await assert.rejects(() => resolveMarket(preset), ValidationError);
    const v = { ...verdict({ markout: 0, spread: 10 }), presetSha256: await sha256File(preset) };
    await Deno.writeTextFile(path, JSON.stringify(v));
    const m = await resolveMarket(preset);
    assert.deepEqual(m.realism, { ...v, stale: false });
    assert.match(marketRealismCaveats(m)[1], /^markout fails on 10 of 10 seeds/);
    // a stress variant, or another tier, is not the market the verdict measured
    assert.match(
      marketRealismCaveats(await resolveMarket(`${preset}+coarse-tick`))[0],
      /not on this stress variant/,
    );
    assert.match(
      marketRealismCaveats(m, { ...m.config, volatility: 2 * m.config.volatility })[0],
      /not on this stress variant or override/,
    );
    assert.deepEqual(marketRealismCaveats(m, { ...m.config, tier: "model" }), []);
    // the preset file changed since it was measured: the verdict says it is stale, no figure
    const edited = JSON.parse(await Deno.readTextFile(preset));
    await Deno.writeTextFile(preset, JSON.stringify({ ...edited, description: "edited" }));
    const now = await resolveMarket(preset);
    assert.equal(now.realism?.stale, true);
    assert.deepEqual(marketRealismCaveats(now), [
      `realism: p's verdict is stale — the preset file changed since it was measured; measure it again: ${v.command} --force`,
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
