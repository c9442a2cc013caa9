/**
 * A priority queue of simulator events ordered by time (nanoseconds), ties broken
 * by insertion order, stored as a binary min-heap on parallel typed arrays. Pushing and
 * popping allocate nothing (the arrays grow by doubling when full, amortized O(1)).
 *
 * An event carries a type code and a small payload: two integers (`a`, `b`) and one
 * double (`x`). {@linkcode EventQueue.pop} copies the earliest event into the queue's
 * `time`/`type`/`a`/`b`/`x` fields, so reading it allocates nothing.
 *
 * @module
 */
import { ValidationError } from "../errors.ts";

/**
 * Binary min-heap of events keyed by (time, insertion sequence).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EventQueue } from "./event_queue.ts";
 * const q = new EventQueue();
 * q.push(2_000, 7, 1, 0, 0);
 * q.push(1_000, 8, 2, 0, 0);
 * q.push(1_000, 9, 3, 0, 0); // same time: after the type-8 event (pushed earlier)
 * assert.equal(q.pop(), true);
 * assert.deepEqual([q.time, q.type], [1_000, 8]);
 * q.pop();
 * assert.equal(q.type, 9);
 * ```
 */
export class EventQueue {
  /** Time (ns) of the last popped event. */
  time = 0;
  /** Type code of the last popped event. */
  type = 0;
  /** First integer payload of the last popped event. */
  a = 0;
  /** Second integer payload of the last popped event. */
  b = 0;
  /** Float payload of the last popped event. */
  x = 0;

  #time: Float64Array;
  #seq: Float64Array;
  #type: Int32Array;
  #a: Int32Array;
  #b: Int32Array;
  #x: Float64Array;
  #n = 0;
  #nextSeq = 0;

  /** Creates an empty queue with room for `capacity` events (it grows as needed). */
  constructor(capacity = 64) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1 << 26) {
      throw new ValidationError("capacity", capacity, "an integer in [1, 67108864]");
    }
    this.#time = new Float64Array(capacity);
    this.#seq = new Float64Array(capacity);
    this.#type = new Int32Array(capacity);
    this.#a = new Int32Array(capacity);
    this.#b = new Int32Array(capacity);
    this.#x = new Float64Array(capacity);
  }

  /** Number of queued events. */
  get size(): number {
    return this.#n;
  }

  /** Removes every event and restarts the insertion sequence. */
  clear(): void {
    this.#n = 0;
    this.#nextSeq = 0;
  }

  /** Time (ns) of the earliest event, Infinity when empty. */
  peekTime(): number {
    return this.#n > 0 ? this.#time[0] : Infinity;
  }

  /**
   * Queues an event at `timeNs` (any finite number of nanoseconds: the book tier's agent
   * messages use integers, its background reactions continuous times, negative during the
   * burn-in) with type code `type` (int32) and payload `a`, `b` (int32) and `x` (double).
   */
  push(timeNs: number, type: number, a = 0, b = 0, x = 0): void {
    if (typeof timeNs !== "number" || !Number.isFinite(timeNs)) {
      throw new ValidationError("timeNs", timeNs, "a finite number of nanoseconds");
    }
    if (this.#n === this.#time.length) this.#grow();
    const seq = this.#nextSeq++;
    const time = this.#time;
    const sq = this.#seq;
    // sift up: move parents down until the slot for the new event is found
    let i = this.#n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = time[p];
      if (pt < timeNs || (pt === timeNs && sq[p] < seq)) break;
      this.#move(p, i);
      i = p;
    }
    time[i] = timeNs;
    sq[i] = seq;
    this.#type[i] = type;
    this.#a[i] = a;
    this.#b[i] = b;
    this.#x[i] = x;
  }

  /**
   * Removes the earliest event and copies it into `time`, `type`, `a`, `b`, `x`.
   * Returns false (and leaves those fields unchanged) when the queue is empty.
   */
  pop(): boolean {
    const n = this.#n;
    if (n === 0) return false;
    this.time = this.#time[0];
    this.type = this.#type[0];
    this.a = this.#a[0];
    this.b = this.#b[0];
    this.x = this.#x[0];
    const last = n - 1;
    this.#n = last;
    if (last === 0) return true;
    // sift the last event down from the root
    const time = this.#time;
    const sq = this.#seq;
    const t = time[last];
    const s = sq[last];
    const ty = this.#type[last];
    const a = this.#a[last];
    const b = this.#b[last];
    const x = this.#x[last];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      const r = c + 1;
      if (r < last && (time[r] < time[c] || (time[r] === time[c] && sq[r] < sq[c]))) c = r;
      if (t < time[c] || (t === time[c] && s < sq[c])) break;
      this.#move(c, i);
      i = c;
    }
    time[i] = t;
    sq[i] = s;
    this.#type[i] = ty;
    this.#a[i] = a;
    this.#b[i] = b;
    this.#x[i] = x;
    return true;
  }

  #move(from: number, to: number): void {
    this.#time[to] = this.#time[from];
    this.#seq[to] = this.#seq[from];
    this.#type[to] = this.#type[from];
    this.#a[to] = this.#a[from];
    this.#b[to] = this.#b[from];
    this.#x[to] = this.#x[from];
  }

  #grow(): void {
    const cap = this.#time.length * 2;
    const f = (old: Float64Array): Float64Array => {
      const n = new Float64Array(cap);
      n.set(old);
      return n;
    };
    const g = (old: Int32Array): Int32Array => {
      const n = new Int32Array(cap);
      n.set(old);
      return n;
    };
    this.#time = f(this.#time);
    this.#seq = f(this.#seq);
    this.#x = f(this.#x);
    this.#type = g(this.#type);
    this.#a = g(this.#a);
    this.#b = g(this.#b);
  }
}
