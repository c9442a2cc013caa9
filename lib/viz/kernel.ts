/**
 * The two points where ALPE talks to the Deno Jupyter kernel itself: detecting that code
 * runs inside `deno jupyter`, and publishing a MIME bundle on the kernel's IOPub channel.
 * Nothing else in the library reads `Deno.jupyter`, whose getter throws outside a kernel.
 *
 * @module
 */

/**
 * True when running inside the Deno Jupyter kernel (`deno jupyter --kernel`).
 * Decided from `Deno.mainModule` (the kernel's REPL module) without reading
 * `Deno.jupyter`, whose getter throws outside the kernel.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { inJupyterKernel } from "./kernel.ts";
 * assert.equal(inJupyterKernel(), false); // a test or script, not a notebook
 * ```
 */
export function inJupyterKernel(): boolean {
  try {
    return /\$deno\$jupyter_repl\.m?ts$/.test(Deno.mainModule);
  } catch {
    return false;
  }
}

/**
 * Publishes a MIME bundle on the kernel's IOPub channel, as a new display
 * (`update: false`) or as an update of the display with `displayId` (pass `undefined`
 * for an output that is never updated). Returns false, without touching `Deno.jupyter`,
 * outside a kernel.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { publishDisplay } from "./kernel.ts";
 * assert.equal(await publishDisplay({ "text/plain": "hi" }, undefined, false), false);
 * ```
 */
export async function publishDisplay(
  bundle: Record<string, unknown>,
  displayId: string | undefined,
  update: boolean,
): Promise<boolean> {
  if (!inJupyterKernel()) return false;
  await Deno.jupyter.broadcast(update ? "update_display_data" : "display_data", {
    data: bundle,
    metadata: {},
    transient: displayId === undefined ? {} : { display_id: displayId },
  });
  return true;
}
