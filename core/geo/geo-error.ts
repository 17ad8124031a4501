/** Why a geo input was refused. */
export type GeoErrorCode =
  | "INVALID_POSITION"
  | "INVALID_RADIUS"
  | "INVALID_BOUNDING_BOX"
  | "INVALID_COLUMN"
  | "INVALID_COUNT";

/** A typed error for inputs the geo functions cannot work with (NaN, latitude 91, negative k). */
export class GeoError extends Error {
  override readonly name = "GeoError";
  constructor(
    readonly code: GeoErrorCode,
    message: string,
  ) {
    super(message);
  }
}
