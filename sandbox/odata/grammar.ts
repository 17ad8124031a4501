/**
 * Typed entry points into `@odata/parser`'s ABNF grammar rules. We call single rules (the
 * `$orderby` rule, the boolean expression rule) instead of the whole query-string rule, so each
 * option is parsed from its decoded value and errors carry positions in that value.
 */
import { type Token, TokenType } from "@odata/parser";
import * as Expressions from "@odata/parser/lib/expressions";
import * as Query from "@odata/parser/lib/query";
import type { SourceArray } from "@odata/parser/lib/utils";
import { ODataQueryError } from "./errors";

type GrammarRule = (source: SourceArray, index: number) => Token | undefined;

export { TokenType };
export type { Token };

/**
 * How deeply an option may nest. `@odata/parser` backtracks, and its time grows much faster than
 * the nesting (measured on this machine: 400 nested parentheses 0.5 s, 800 2.3 s, 3,000 9 s) while
 * the emulator serves nothing else; the filters clients build nest a few levels. Deeper text is
 * refused before it reaches the parser.
 */
export const MAX_PARENTHESES_DEPTH = 32;
/** `not not not ...` costs the parser one level per `not` too. */
export const MAX_NOT_OPERATORS = 100;
/**
 * Longest option value: what fits in a URL Node accepts (16 KiB of request head), so only a
 * `$batch` part could carry more. A flat `or` chain that long already takes the parser ~2 s.
 */
export const MAX_OPTION_LENGTH = 16_384;

/** Parses `text` with `rule`; `prefix` (e.g. `$orderby=`) is what the rule expects before the value. */
function parseWith(rule: GrammarRule, option: string, text: string, prefix = ""): Token {
  const tooComplex = complexity(text);
  if (tooComplex !== undefined)
    throw new ODataQueryError(
      "tooComplex",
      `${option} is too complex to evaluate: ${tooComplex.reason} (at position ${tooComplex.position}).`,
      { option, position: tooComplex.position },
    );
  const source = `${prefix}${text}`;
  const codes = new Uint16Array(source.length);
  for (let index = 0; index < source.length; index += 1) codes[index] = source.charCodeAt(index);
  let token: Token | undefined;
  try {
    token = rule(codes, 0);
  } catch {
    token = undefined;
  }
  if (token === undefined) throw syntaxError(option, text, 0);
  if (token.next < codes.length) throw syntaxError(option, text, Math.max(0, token.next - prefix.length));
  return token;
}

export const parseFilterExpression = (text: string): Token => parseWith(Expressions.boolCommonExpr, "$filter", text);
export const parseOrderBy = (text: string): Token => parseWith(Query.orderby, "$orderby", text, "$orderby=");
export const parseSelect = (text: string): Token => parseWith(Query.select, "$select", text, "$select=");
export const parseTop = (text: string): Token => parseWith(Query.top, "$top", text, "$top=");
export const parseSkip = (text: string): Token => parseWith(Query.skip, "$skip", text, "$skip=");
export const parseCount = (text: string): Token => parseWith(Query.inlinecount, "$count", text, "$count=");

function syntaxError(option: string, text: string, parserPosition: number): ODataQueryError {
  const diagnosis = diagnose(text);
  const position = diagnosis?.position ?? parserPosition;
  const reason = diagnosis?.reason ?? "the text cannot be parsed";
  const near = position >= text.length ? "at the end of the text" : `near '${text.slice(position, position + 24)}'`;
  return new ODataQueryError("syntax", `Syntax error in ${option} at position ${position}: ${reason}, ${near}.`, {
    option,
    position,
  });
}

/**
 * Two mistakes the grammar reports poorly (it only says where parsing stopped): a string literal
 * left open and unbalanced parentheses. Quotes inside a literal are doubled in OData (`'it''s'`).
 */
function diagnose(text: string): { position: number; reason: string } | undefined {
  const openParens: number[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index];
    if (char === "'") {
      const start = index;
      index += 1;
      for (;;) {
        if (index >= text.length) return { position: start, reason: "a string literal is not closed" };
        if (text[index] === "'") {
          if (text[index + 1] === "'") {
            index += 2;
            continue;
          }
          break;
        }
        index += 1;
      }
    } else if (char === "(") {
      openParens.push(index);
    } else if (char === ")") {
      if (openParens.pop() === undefined) return { position: index, reason: "this ')' has no matching '('" };
    }
    index += 1;
  }
  const unclosed = openParens.pop();
  return unclosed === undefined ? undefined : { position: unclosed, reason: "this '(' is never closed" };
}

/** The first place `text` nests deeper than the limits above (outside string literals), if any. */
function complexity(text: string): { position: number; reason: string } | undefined {
  if (text.length > MAX_OPTION_LENGTH)
    return { position: MAX_OPTION_LENGTH, reason: `it is longer than ${MAX_OPTION_LENGTH} characters` };
  let depth = 0;
  let nots = 0;
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === "'") quoted = !quoted; // a doubled quote inside a literal toggles twice
    if (quoted) continue;
    if (char === "(") {
      depth += 1;
      if (depth > MAX_PARENTHESES_DEPTH)
        return { position: index, reason: `parentheses nest more than ${MAX_PARENTHESES_DEPTH} levels deep` };
    } else if (char === ")") {
      depth -= 1;
    } else if (
      (char === "n" || char === "N") &&
      /^not\b/i.test(text.slice(index, index + 4)) &&
      (index === 0 || /[\s(]/.test(text[index - 1] ?? ""))
    ) {
      nots += 1;
      if (nots > MAX_NOT_OPERATORS)
        return { position: index, reason: `more than ${MAX_NOT_OPERATORS} 'not' operators` };
    }
  }
  return undefined;
}

export function isToken(value: unknown): value is Token {
  return typeof value === "object" && value !== null && "type" in value && "raw" in value && "position" in value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** A token's `value` (typed `any` by the package) as `unknown`, so we narrow before use. */
export function valueOf(token: Token): unknown {
  const value: unknown = token.value;
  return value;
}
