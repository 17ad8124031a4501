/**
 * Runs a property a fixed number of times and proves it did: the run count is a constant at the top
 * of each suite (scaled by `FUZZ_RUNS_SCALE` for a deeper local search), and the seed is fixed per
 * property so CI runs the same cases every time (`FUZZ_SEED=<n>` explores others). A failure
 * reports the shrunk counterexample, the error it raised, and the seed and path that replay it.
 */
import { createHash } from "node:crypto";
import fc from "fast-check";

const SCALE = Number(process.env.FUZZ_RUNS_SCALE ?? "1");
const REPORT_LIMIT = 3000;

/** The run count for a suite constant, after `FUZZ_RUNS_SCALE`. */
export function runs(count: number): number {
  return Math.max(1, Math.round(count * (Number.isFinite(SCALE) && SCALE > 0 ? SCALE : 1)));
}

/** A jest timeout that fits `numRuns` cases on a loaded 2-core machine, so a deep run is not cut off. */
export function timeoutFor(numRuns: number): number {
  return 20_000 + numRuns * 150;
}

function seedFor(name: string): number {
  const chosen = process.env.FUZZ_SEED;
  if (chosen !== undefined && chosen !== "") return Number(chosen) | 0;
  return createHash("sha256").update(name).digest().readInt32LE(0);
}

function clip(text: string): string {
  return text.length > REPORT_LIMIT ? `${text.slice(0, REPORT_LIMIT)}… (${text.length} characters)` : text;
}

/**
 * A counterexample as a reader wants it: a body Buffer as its UTF-8 text, a table definition as
 * its logical name (fast-check would print every byte and every column), deep nests cut short.
 */
function readable(value: unknown, depth = 0): unknown {
  if (Buffer.isBuffer(value)) return `<bytes as UTF-8> ${value.toString("utf8")}`;
  if (typeof value !== "object" || value === null) return value;
  // Deeper values are cut: a counterexample may nest 100,000 levels, more than any printer's stack.
  if (depth > 6) return "<nested deeper>";
  if (Array.isArray(value)) return value.map((item) => readable(item, depth + 1));
  if ("logicalName" in value && "columns" in value)
    return `<table ${String((value as { logicalName: unknown }).logicalName)}>`;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, readable(item, depth + 1)]));
}

/** A value for a failure message: JSON when it can be printed, cut to `limit` characters. */
export function describeValue(value: unknown, limit = 300): string {
  if (typeof value === "string") return JSON.stringify(value.slice(0, limit));
  try {
    return (value === undefined ? "undefined" : JSON.stringify(value)).slice(0, limit);
  } catch {
    return `<${Array.isArray(value) ? "array" : typeof value} too deep to print>`;
  }
}

/** Checks `property` `numRuns` times; throws a readable report on failure; answers the runs made. */
export async function checkProperty<T>(name: string, property: fc.IRawProperty<T>, numRuns: number): Promise<number> {
  const details = await fc.check(property, { numRuns, seed: seedFor(name) });
  if (details.failed) {
    const error =
      details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    const example = details.counterexample === null ? "(none)" : fc.stringify(readable(details.counterexample));
    throw new Error(
      `${name} failed after ${details.numRuns} cases (seed ${details.seed}, path "${details.counterexamplePath ?? ""}", shrunk ${details.numShrinks} times)\n` +
        `error: ${clip(error)}\ncounterexample: ${clip(example)}`,
    );
  }
  if (details.numRuns !== numRuns) throw new Error(`${name}: ran ${details.numRuns} cases, expected ${numRuns}.`);
  return details.numRuns;
}

/**
 * How a property's cases ended. Asserting both kinds happened keeps the property honest: if every
 * case were refused (an endpoint gone, a generator that never produces a valid input), "every
 * reply is a 4xx" would still hold and the suite would prove nothing.
 */
export class Outcomes {
  accepted = 0;
  refused = 0;

  accept(): void {
    this.accepted += 1;
  }

  refuse(): void {
    this.refused += 1;
  }

  expectBoth(name: string): void {
    if (this.accepted === 0 || this.refused === 0)
      throw new Error(`${name}: ${this.accepted} accepted and ${this.refused} refused; a property must see both.`);
  }
}
