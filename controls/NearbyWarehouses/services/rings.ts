/**
 * How far each warehouse request reaches. Dataverse cannot sort by distance, so the control asks
 * for a bounding box with `$top` (both documented for `context.webAPI.retrieveMultipleRecords`, and
 * offline-safe): a box that comes back with fewer rows than `$top` is whole, and every warehouse
 * within its radius is then known. The first box is a quarter of the search radius; when it holds
 * too few warehouses the second one grows to where, at the density just seen, there should be
 * enough; when it held more than `$top` the second one shrinks. Two requests at most, and never
 * more rows than `rowBudgetFactor` times the rows wanted.
 */

/** The first ring's radius, as a share of the search radius. */
export const firstRingShare = 0.25;

/** Rows fetched over both requests: at most this many times the rows wanted. */
export const rowBudgetFactor = 5;

/** The first request may use this many times the rows wanted; the rest is left for a second. */
export const firstRequestFactor = 3;

/**
 * The budget is counted for at least this many rows wanted, so a list of 5 still gets a box big
 * enough to be whole at ordinary densities.
 */
export const minimumWanted = 50;

/** The second ring aims at this many times the rows wanted: warehouses are never evenly spread. */
const ringMargin = 2;

/** A box holds 4/π times the rows of its inscribed circle (at an even density). */
const boxPerCircle = 4 / Math.PI;

export interface Ring {
  readonly radiusKm: number;
  readonly top: number;
}

export interface RingAnswer {
  /** Rows the box request returned. */
  readonly rows: number;
  /** Of them, rows within the ring's radius (and the search radius). */
  readonly inCircle: number;
}

export function rowBudget(wanted: number): number {
  return rowBudgetFactor * Math.max(wanted, minimumWanted);
}

export function firstRing(radiusKm: number, wanted: number): Ring {
  return { radiusKm: radiusKm * firstRingShare, top: firstRequestFactor * Math.max(wanted, minimumWanted) };
}

/** True when the box came back whole: fewer rows than `$top` asked for. */
export function isWhole(ring: Ring, answer: RingAnswer): boolean {
  return answer.rows < ring.top;
}

/** True when the answer settles the list: enough rows within a whole ring, or the whole radius covered. */
export function isSettled(ring: Ring, answer: RingAnswer, radiusKm: number, wanted: number): boolean {
  return isWhole(ring, answer) && (answer.inCircle >= wanted || ring.radiusKm >= radiusKm);
}

/** The second ring: wider after a whole box with too few rows, narrower after a box over `$top`. */
export function nextRing(ring: Ring, answer: RingAnswer, radiusKm: number, wanted: number): Ring {
  const top = rowBudget(wanted) - answer.rows;
  if (isWhole(ring, answer)) {
    const grown = answer.inCircle === 0 ? radiusKm : ring.radiusKm * Math.sqrt((ringMargin * wanted) / answer.inCircle);
    return { radiusKm: Math.min(radiusKm, grown), top };
  }
  // The box held at least `rows` warehouses: shrink it to hold about the margin, at that density.
  return { radiusKm: ring.radiusKm * Math.sqrt((ringMargin * boxPerCircle * wanted) / answer.rows), top };
}
