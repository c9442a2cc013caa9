/**
 * A naive reference limit order book (plain arrays of order objects, linear scans) used to
 * check {@linkcode OrderBook} in the tests. Slow and obviously correct.
 *
 * @module
 */

/** One resting order of the reference book. */
export interface RefOrder {
  /** Order id. */
  id: number;
  /** 0 bid, 1 ask. */
  side: number;
  /** Price in ticks. */
  price: number;
  /** Lots remaining. */
  qty: number;
  /** Owner tag. */
  owner: number;
  /** Arrival sequence number (time priority). */
  seq: number;
}

/** One execution, as the sink reports it. */
export type Exec = [
  restingId: number,
  restingOwner: number,
  aggressorId: number,
  aggressorSide: number,
  price: number,
  qty: number,
  time: number,
  restingRemaining: number,
];

/** The naive book. */
export class RefBook {
  /** Resting orders in arrival order. */
  orders: RefOrder[] = [];
  /** Executions reported so far. */
  execs: Exec[] = [];
  /** Lots that entered the book. */
  added = 0;
  /** Lots traded. */
  traded = 0;
  /** Lots cancelled. */
  cancelled = 0;
  #seq = 0;

  /** The live order `id`, or undefined. */
  find(id: number): RefOrder | undefined {
    return this.orders.find((o) => o.id === id);
  }

  #match(side: number, limit: number, qty: number, aggId: number, time: number): number {
    let rem = qty;
    while (rem > 0) {
      let best: RefOrder | undefined;
      for (const o of this.orders) {
        if (o.side === side) continue;
        if (side === 0 ? o.price > limit : o.price < limit) continue;
        if (
          best === undefined ||
          (side === 0 ? o.price < best.price : o.price > best.price) ||
          (o.price === best.price && o.seq < best.seq)
        ) best = o;
      }
      if (best === undefined) break;
      const f = Math.min(best.qty, rem);
      best.qty -= f;
      rem -= f;
      this.traded += f;
      if (best.qty === 0) this.orders = this.orders.filter((o) => o !== best);
      this.execs.push([best.id, best.owner, aggId, side, best.price, f, time, best.qty]);
    }
    return rem;
  }

  /** Limit order; returns lots resting. */
  addLimit(id: number, side: number, price: number, qty: number, time: number, owner = 0): number {
    const rem = this.#match(side, price, qty, id, time);
    if (rem > 0) {
      this.orders.push({ id, side, price, qty: rem, owner, seq: this.#seq++ });
      this.added += rem;
    }
    return rem;
  }

  /** Market order; returns lots filled. */
  market(side: number, qty: number, time: number, aggId = -1): number {
    return qty - this.#match(side, side === 0 ? Infinity : -Infinity, qty, aggId, time);
  }

  /** Cancel; returns lots removed. */
  cancel(id: number): number {
    const o = this.find(id)!;
    this.orders = this.orders.filter((x) => x !== o);
    this.cancelled += o.qty;
    return o.qty;
  }

  /** Reduce keeping priority; returns lots removed. */
  reduce(id: number, by: number): number {
    const o = this.find(id)!;
    if (by >= o.qty) return this.cancel(id);
    o.qty -= by;
    this.cancelled += by;
    return by;
  }

  /** Modify; returns lots resting after. */
  modify(id: number, price: number, qty: number, time: number): number {
    const o = this.find(id)!;
    if (price === o.price && qty <= o.qty) {
      this.cancelled += o.qty - qty;
      o.qty = qty;
      return qty;
    }
    this.cancel(id);
    return this.addLimit(id, o.side, price, qty, time, o.owner);
  }

  /** Lots ahead of `id` at its level. */
  queueAhead(id: number): number {
    const o = this.find(id)!;
    let s = 0;
    for (const x of this.orders) {
      if (x.side === o.side && x.price === o.price && x.seq < o.seq) s += x.qty;
    }
    return s;
  }

  /** Aggregated levels of `side`, best first: [price, qty][]. */
  levels(side: number): [number, number][] {
    const m = new Map<number, number>();
    for (const o of this.orders) if (o.side === side) m.set(o.price, (m.get(o.price) ?? 0) + o.qty);
    return [...m.entries()].sort((a, b) => side === 0 ? b[0] - a[0] : a[0] - b[0]);
  }

  /** Lots resting. */
  resting(): number {
    return this.orders.reduce((s, o) => s + o.qty, 0);
  }
}
