import assert from "node:assert/strict";
import {
  FLOW_DRIVEN_STANDARD_ERRORS,
  flowDrivenWarning,
  type InformationFitSummary,
} from "../../lib/calibration/price_formation.ts";

const info = (real: number, se: number, sim: number): InformationFitSummary => ({
  moments: ["response@1", "volumeVolatility@1s"],
  real: [1, real],
  realSe: [0.1, se],
  simulated: [1, sim],
});

Deno.test("price formation: a market far below the tape's volume/volatility correlation is warned about, with the figures", () => {
  // the zero-intelligence probe's figures (docs/calibration.md)
  const w = flowDrivenWarning(info(0.5225, 0.0512, 0.05313));
  assert.ok(w !== null);
  assert.match(w, /0\.05313 against the tape's 0\.5225 ± 0\.0512/);
  assert.match(w, /opposite-best/);
  // both conditions: more than 4 standard errors below, and below half of the tape's
  assert.equal(FLOW_DRIVEN_STANDARD_ERRORS, 4);
  assert.equal(flowDrivenWarning(info(0.5, 0.01, 0.3)), null); // 20 se below, above half
  assert.notEqual(flowDrivenWarning(info(0.5, 0.1, 0.05)), null); // 4.5 se, under half
  assert.equal(flowDrivenWarning(info(0.5, 0.12, 0.02)), null); // 4 se exactly: not beyond
  // a market above the tape, a missing moment or a NaN: nothing to say
  assert.equal(flowDrivenWarning(info(0.3, 0.01, 0.9)), null);
  assert.equal(flowDrivenWarning({ ...info(0.5, 0.01, 0.01), moments: ["a", "b"] }), null);
  assert.equal(flowDrivenWarning(info(0.5, NaN, 0.01)), null);
});

Deno.test("price formation: the shipped presets' information fits are not warned about", async () => {
  for (const name of ["btcusdt", "amzn"]) {
    const preset = JSON.parse(await Deno.readTextFile(`data/presets/${name}.json`));
    const fit = preset.provenance.fitQuality.information as InformationFitSummary;
    assert.ok(fit.moments.includes("volumeVolatility@1s"), name);
    assert.equal(flowDrivenWarning(fit), null, name);
    assert.ok(
      !(preset.provenance.warnings as string[]).some((w) => w.startsWith("price formation")),
    );
  }
});
