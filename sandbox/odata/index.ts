/** OData v4 query options → parameterised SQLite SQL (see sandbox/README.md). */
export { compileFilter } from "./filter";
export { compileQuery, supportedQueryOptions } from "./query";
export { quoteIdentifier, selectStatement } from "./select-statement";
export type { SelectStatement, SelectStatementInput } from "./select-statement";
export { ODataQueryError, isODataQueryError } from "./errors";
export type { ODataQueryErrorInfo, ODataQueryErrorKind } from "./errors";
export { decodeStringLiteral } from "./literals";
export type { TypedLiteral } from "./literals";
export { parseEntitySegment, parseKeyPredicate } from "./keys";
export type { EntitySegment, KeyPredicate } from "./keys";
export { allFilterFunctions } from "./types";
export type {
  ColumnKind,
  ColumnResolver,
  CompiledQuery,
  FilterFunction,
  ODataQueryOptions,
  OrderByItem,
  ResolvedColumn,
  SqlFragment,
  SqlValue,
} from "./types";
