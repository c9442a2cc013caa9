import assert from "node:assert/strict";
import { recordFromTape } from "../../lib/calibration/record.ts";
import { simulatedTape, simulatedTapeCsv } from "../../lib/calibration/sim_tape.ts";
import { ValidationError } from "../../lib/errors.ts";

const PRESET = JSON.parse(
  Deno.readTextFileSync(new URL("../../data/presets/btcusdt.json", import.meta.url)),
);
const MARKET = PRESET.config;

Deno.test("simulated tape: in instrument units or in lots, the same market orders in lots; the feed's quantities are whole lots", () => {
  const opts = { seconds: 60, seed: 7 };
  const inUnits = simulatedTape(MARKET, opts);
  const inLots = simulatedTape(MARKET, { ...opts, quantities: "lots" });
  assert.equal(inUnits.meta.qtyStep, MARKET.lotSize);
  const a = recordFromTape(inUnits, { lotSize: MARKET.lotSize });
  const b = recordFromTape(inLots, { lotSize: 1 });
  assert.ok(a.moQty.length > 100);
  assert.deepEqual([...a.moQty], [...b.moQty]);
  assert.deepEqual([...a.moTime], [...b.moTime]);
  assert.deepEqual([...a.bid], [...b.bid]);
  // every book quantity is a whole number of lots
  const lines = simulatedTapeCsv(MARKET, opts);
  for (const l of lines.slice(4)) {
    const q = Number(l.split(",")[4]) / MARKET.lotSize;
    assert.ok(Math.abs(q - Math.round(q)) < 1e-6, l);
  }
  // deterministic for a seed, another seed another tape
  assert.deepEqual(simulatedTapeCsv(MARKET, opts), lines);
  assert.notDeepEqual(simulatedTapeCsv(MARKET, { ...opts, seed: 8 }), lines);
});

Deno.test("simulated tape: the feed shows at most `levels` a side, and a level that empties inside them is removed", () => {
  const lines = simulatedTapeCsv(MARKET, { seconds: 30, seed: 1, levels: 5 });
  const snapshot = lines.filter((l) => l.includes(",snapshot,"));
  for (const side of [",bid,", ",ask,"]) {
    const n = snapshot.filter((l) => l.includes(side)).length;
    assert.ok(n >= 1 && n <= 5, `${side} ${n}`);
  }
  assert.ok(lines.some((l) => l.includes(",update,") && l.endsWith(",0")));
  const tape = simulatedTape(MARKET, { seconds: 30, seed: 1, levels: 5 });
  assert.ok(tape.columns.ts.length > 0);
});

Deno.test("simulated tape: bad options are named errors", () => {
  const bad: [Record<string, unknown>, string][] = [
    [{ seconds: 0 }, "seconds"],
    [{ seconds: 86_401 }, "seconds"],
    [{ seconds: NaN }, "seconds"],
    [{ seconds: 10, seed: -1 }, "seed"],
    [{ seconds: 10, levels: 0 }, "levels"],
    [{ seconds: 10, quantities: "shares" }, "quantities"],
  ];
  for (const [o, field] of bad) {
    assert.throws(
      () => simulatedTapeCsv(MARKET, o as never),
      (e) => e instanceof ValidationError && e.field === field,
      field,
    );
  }
});
