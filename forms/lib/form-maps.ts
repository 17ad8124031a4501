/**
 * Each integration table's map summary (core/maps/summary.ts). build.ts evaluates this module in
 * Node and inlines its value into forms.js, so the browser gets data, not the maps and zod (the
 * reason is in core/maps/summary.ts). Tests run this module as it is.
 */
import { mapSummaries } from "@fsi/core/maps/summary";

export const formMaps = mapSummaries();
