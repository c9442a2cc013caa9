/**
 * The L3 limit order book: price-time priority matching over typed-array pools, exact
 * queue positions, executions reported to a sink, and L1/L2 market data.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ASK, BID, createL2Snapshot, OrderBook } from "./mod.ts";
 * const book = new OrderBook({ capacity: 4096 });
 * book.addLimit(1, BID, 99, 5, 0);
 * book.addLimit(2, ASK, 101, 3, 0, 1);
 * const snap = createL2Snapshot(10);
 * assert.equal(book.l2(10, snap), 1); // one level on each side
 * assert.deepEqual([snap.bidPrice[0], snap.bidQty[0], snap.askPrice[0]], [99, 5, 101]);
 * assert.equal(book.microprice(), 100.25); // (99·3 + 101·5)/8
 * ```
 *
 * @module
 */
export {
  ASK,
  BID,
  createL2Snapshot,
  type ExecutionSink,
  type L2Snapshot,
  MAX_INT32,
  MAX_LIVE_ORDERS,
  MAX_ORDER_QTY,
  OrderBook,
  type OrderBookOptions,
  type Side,
} from "./order_book.ts";
