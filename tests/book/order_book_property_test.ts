import { BOOK_PROPERTIES } from "./_book_properties.ts";

for (const p of BOOK_PROPERTIES) {
  Deno.test(p.name, () => p.check({ numRuns: p.numRuns, seed: p.seed }));
}
