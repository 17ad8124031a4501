/**
 * Typed query errors. The compiler knows *what* is wrong and where; each emulator renders that in
 * its own platform's error shape and words.
 */

export type ODataQueryErrorKind =
  /** The option's text does not follow the OData grammar (see `position`). */
  | "syntax"
  /** A property the resolver does not know. */
  | "unknownProperty"
  /** A function the grammar knows but this endpoint does not support or the caller forbade. */
  | "unsupportedFunction"
  /** Valid OData this compiler does not translate (arithmetic, lambdas, navigation paths, ...). */
  | "unsupportedExpression"
  /** A `$` query option that is not supported (`$expand` when the caller does not handle it). */
  | "unsupportedOption"
  /** Operands whose types cannot be compared (a number column with a string literal, ...). */
  | "typeMismatch"
  /** A well-formed option with a value out of range (`$top=-1`), or the same option twice. */
  | "invalidOptionValue"
  /** An option nested deeper than the parser can evaluate in reasonable time (see `grammar.ts`). */
  | "tooComplex";

export interface ODataQueryErrorInfo {
  /** The query option at fault, with its `$` (`$filter`). */
  readonly option: string;
  /** 0-based offset in the option's (decoded) value where the problem starts. */
  readonly position?: number;
  readonly property?: string;
  readonly functionName?: string;
}

export class ODataQueryError extends Error {
  constructor(
    readonly kind: ODataQueryErrorKind,
    message: string,
    readonly info: ODataQueryErrorInfo,
  ) {
    super(message);
    this.name = "ODataQueryError";
  }
}

export function isODataQueryError(error: unknown): error is ODataQueryError {
  return error instanceof ODataQueryError;
}
