/**
 * The dashboard's real-data mode talks to recorded order books only through
 * {@linkcode RealDataApi}. Until the replay tier (loaders, tapes and the `replay` env tier
 * of the real-data issue) is merged, {@linkcode realDataApi} returns a **placeholder** that
 * lists no tape and answers every request with a `NotAvailableError` saying why; the mode
 * shows that message in a clearly marked banner. Connecting the real tier means replacing
 * the body of {@linkcode realDataApi} (and nothing else in the dashboard): the market list,
 * the sidebar's market select, the job worker and the browser mode already go through it.
 *
 * @module
 */
import { NotAvailableError } from "../errors.ts";
import type { EnvConfigInput } from "../env/config.ts";
import type { ReportBlock } from "../viz/report_page.ts";

/** A recorded tape the dashboard can show and replay. */
export interface TapeInfo {
  /** Stable id (e.g. the file name). */
  id: string;
  /** Label for the select. */
  label: string;
  /** Venue and instrument, e.g. "NASDAQ AMZN (LOBSTER level 1)". */
  source: string;
  /** Span of the tape, seconds. */
  seconds: number;
  /** Base env config of a replay of this tape (tier "replay" once it exists). */
  config: EnvConfigInput;
}

/** What the real-data mode asks of a tape. */
export interface TapeViewRequest {
  /** Tape id. */
  tape: string;
  /** Start of the window shown, seconds from the tape's start. */
  start: number;
  /** Length of the window, seconds. */
  seconds: number;
}

/** A replay backtest request: agents on windows of a tape. */
export interface ReplayRequest {
  /** Tape id. */
  tape: string;
  /** Agent ids (as the comparison's). */
  agents: string[];
  /** Windows (episodes). */
  windows: number;
  /** Window length, seconds. */
  seconds: number;
  /** Root seed (picks the windows). */
  seed: number;
}

/** The real-data backend of the dashboard. */
export interface RealDataApi {
  /** False for the placeholder. */
  readonly available: boolean;
  /** Why not, when not available (shown in the mode's banner). */
  readonly reason: string;
  /** The tapes shipped or found (empty for the placeholder). */
  listTapes(): Promise<TapeInfo[]>;
  /** The book and trades of a window of a tape, as report blocks (figures and tables). */
  tapeView(req: TapeViewRequest): Promise<ReportBlock[]>;
  /** A replay backtest of agents on windows of a tape, as report blocks. */
  replayBacktest(
    req: ReplayRequest,
    onProgress: (done: number, total: number) => void,
  ): Promise<ReportBlock[]>;
}

/** The placeholder's message. */
export const REPLAY_NOT_MERGED = "Real data needs the replay tier (recorded order books, " +
  "their loaders and the `replay` env tier), which is not merged yet; until it is, this " +
  "mode is wired to a placeholder API (lib/dashboard/real_data.ts)";

/** The placeholder backend: no tapes; every request fails with {@linkcode REPLAY_NOT_MERGED}. */
export const PLACEHOLDER_REAL_DATA: RealDataApi = Object.freeze({
  available: false,
  reason: REPLAY_NOT_MERGED,
  listTapes: () => Promise.resolve([]),
  tapeView: () => Promise.reject(new NotAvailableError(REPLAY_NOT_MERGED)),
  replayBacktest: () => Promise.reject(new NotAvailableError(REPLAY_NOT_MERGED)),
});

/**
 * The real-data backend the dashboard uses. PLACEHOLDER: returns
 * {@linkcode PLACEHOLDER_REAL_DATA} until the replay tier lands; connect it here.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { realDataApi } from "./real_data.ts";
 * const api = realDataApi();
 * assert.equal(api.available, false);
 * assert.deepEqual(await api.listTapes(), []);
 * ```
 */
export function realDataApi(): RealDataApi {
  return PLACEHOLDER_REAL_DATA;
}
