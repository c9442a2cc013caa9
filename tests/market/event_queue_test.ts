import assert from "node:assert/strict";
import { EventQueue } from "../../lib/market/event_queue.ts";
import { ValidationError } from "../../lib/errors.ts";
import { Rng } from "../../lib/rng/rng.ts";

Deno.test("EventQueue pops in time order, ties in insertion order", () => {
  const q = new EventQueue(2); // forces several grows
  const rng = new Rng("eq");
  type Ev = { t: number; seq: number; a: number; x: number };
  const ref: Ev[] = [];
  let seq = 0;
  const popped: Ev[] = [];
  const expected: Ev[] = [];
  for (let round = 0; round < 2000; round++) {
    if (rng.next() < 0.6) {
      const t = rng.int(50) * 1000; // few distinct times: many ties
      const ev = { t, seq: seq++, a: rng.int(1 << 30), x: rng.next() };
      ref.push(ev);
      q.push(ev.t, ev.seq & 7, ev.a, ev.seq, ev.x);
    } else if (ref.length > 0) {
      ref.sort((u, v) => u.t - v.t || u.seq - v.seq);
      expected.push(ref.shift()!);
      assert.equal(q.pop(), true);
      popped.push({ t: q.time, seq: q.b, a: q.a, x: q.x });
      assert.equal(q.type, q.b & 7);
    }
    assert.equal(q.size, ref.length);
  }
  ref.sort((u, v) => u.t - v.t || u.seq - v.seq);
  while (q.pop()) popped.push({ t: q.time, seq: q.b, a: q.a, x: q.x });
  expected.push(...ref);
  assert.deepEqual(popped, expected);
  assert.equal(q.pop(), false);
  assert.equal(q.peekTime(), Infinity);
});

Deno.test("EventQueue peekTime, clear and sequence restart", () => {
  const q = new EventQueue();
  q.push(5, 1);
  q.push(3, 2);
  assert.equal(q.peekTime(), 3);
  q.clear();
  assert.equal(q.size, 0);
  q.push(10, 1, 1);
  q.push(10, 2, 2);
  q.pop();
  assert.equal(q.a, 1);
  q.pop();
  assert.equal(q.a, 2);
});

Deno.test("EventQueue rejects non-finite times", () => {
  const q = new EventQueue();
  assert.throws(() => q.push(Infinity, 0), ValidationError);
  q.push(-1.5, 7); // continuous and negative times are fine (the burn-in runs before 0)
  assert.equal(q.peekTime(), -1.5);
  assert.throws(() => q.push(NaN, 0), /timeNs/);
  assert.throws(() => new EventQueue(0), /capacity/);
  assert.equal(q.size, 1);
});
