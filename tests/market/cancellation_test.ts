import assert from "node:assert/strict";
import { cancellationConfigSchema, QueueCancellation } from "../../lib/market/cancellation.ts";

Deno.test("cancellation hazard: linear in the queue position, faster at a thin touch, bounded", () => {
  const c = new QueueCancellation(
    cancellationConfigSchema.parse({ rate: 0.2, queuePosition: 1.5, depletion: 3 }),
    4,
  );
  assert.ok(Math.abs(c.hazard(0, 30, false, 2) - 0.2) < 1e-12);
  assert.ok(Math.abs(c.hazard(0.5, 30, false, 2) - 0.2 * 1.75) < 1e-12);
  assert.ok(Math.abs(c.hazard(0, 4, true, 0) - 0.2 * (1 + 3 * Math.exp(-1))) < 1e-12);
  assert.equal(c.maxHazard, 0.2 * 2.5);
  assert.ok(Math.abs(c.touchBound(0) - 0.2 * 2.5 * 4) < 1e-12);
  for (let x = 0; x < 1; x += 0.1) {
    for (const q of [0, 0.5, 3, 12, 40, 400]) {
      assert.ok(c.hazard(x, q, false, 1) <= c.maxHazard);
      assert.ok(c.hazard(x, q, true, 1) <= c.touchBound(q));
    }
  }
  // the bound follows the depletion term: nearly maxHazard at a deep touch
  assert.ok(c.touchBound(400) < 1.001 * c.maxHazard);
});
