import assert from "node:assert/strict";
import { clipObservation, OBS_CLIP, resetObservationRow } from "../../lib/env/observation.ts";
import { OBS, OBS_DIM } from "../../lib/env/types.ts";

Deno.test("observation: clipObservation bounds to ±OBS_CLIP and passes values inside", () => {
  assert.equal(clipObservation(1e9), OBS_CLIP);
  assert.equal(clipObservation(-1e9), -OBS_CLIP);
  assert.equal(clipObservation(Infinity), OBS_CLIP);
  assert.equal(clipObservation(-2.5), -2.5);
  assert.equal(clipObservation(0), 0);
});

Deno.test("observation: resetObservationRow writes only its own row", () => {
  const obs = new Float64Array(3 * OBS_DIM).fill(7);
  resetObservationRow(obs, 1, 80, -0.25);
  for (let j = 0; j < OBS_DIM; j++) {
    assert.equal(obs[j], 7);
    assert.equal(obs[2 * OBS_DIM + j], 7);
  }
  const row = obs.subarray(OBS_DIM, 2 * OBS_DIM);
  assert.equal(row[OBS.INVENTORY], 0);
  assert.equal(row[OBS.TIME_LEFT], 1);
  assert.equal(row[OBS.SPREAD], OBS_CLIP); // 80 ticks / 10 = 8, clipped
  assert.equal(row[OBS.IMBALANCE], -0.25);
  assert.equal(row[OBS.BID_QUEUE], 1);
  assert.equal(row[OBS.ASK_QUEUE], 1);
});
