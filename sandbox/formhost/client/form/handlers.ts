/**
 * Form event handlers as FormXml names them: a dotted function name in a form library
 * (`FSI.Forms.Warehouse.onSave`), called with the execution context first when "pass execution
 * context as first parameter" is set, then the handler's own comma-separated parameters.
 */
import type { HandlerDescription } from "../../shared/contract";

export type HandlerFunction = (...args: unknown[]) => unknown;

export class HandlerNotFoundError extends Error {
  override readonly name = "HandlerNotFoundError";
}

/** The function at a dotted path from `window`. */
export function resolveHandler(functionName: string, root: object = window): HandlerFunction {
  let current: unknown = root;
  for (const part of functionName.split(".")) {
    if ((typeof current !== "object" && typeof current !== "function") || current === null) break;
    current = (current as Record<string, unknown>)[part];
  }
  if (typeof current !== "function") {
    throw new HandlerNotFoundError(
      `The form handler ${functionName} does not exist: check that its library is loaded and the name is spelt as the library publishes it.`,
    );
  }
  return current as HandlerFunction;
}

/** FormXml handler parameters: comma-separated literals (quoted strings, numbers, true/false, null). */
export function parseHandlerParameters(text: string): unknown[] {
  const values: unknown[] = [];
  const pattern = /\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^,]+?)\s*(?:,|$)/gy;
  let match: RegExpExecArray | null;
  while (pattern.lastIndex < text.length && (match = pattern.exec(text)) !== null) {
    const token = match[1] ?? "";
    if (token === "") break;
    if (/^'.*'$|^".*"$/s.test(token)) values.push(token.slice(1, -1).replace(/\\(.)/g, "$1"));
    else if (token === "true" || token === "false") values.push(token === "true");
    else if (token === "null") values.push(null);
    else if (!Number.isNaN(Number(token))) values.push(Number(token));
    else values.push(token);
  }
  return values;
}

/** Calls one handler the way the form does; returns what it returned (a promise for async handlers). */
export function invokeHandler(handler: HandlerDescription, executionContext: unknown, root: object = window): unknown {
  const fn = resolveHandler(handler.functionName, root);
  const parameters = parseHandlerParameters(handler.parameters);
  return handler.passExecutionContext ? fn(executionContext, ...parameters) : fn(...parameters);
}

/** Whether a value is a promise-like (what makes a handler asynchronous). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/**
 * Waits for a handler's promise, at most `timeoutMs` (the platform's 10 s per promise) unless the
 * handler disabled the timeout. Resolves with the outcome instead of throwing.
 */
export async function settleWithin(
  promise: PromiseLike<unknown>,
  timeoutMs: number | undefined,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout =
    timeoutMs === undefined
      ? new Promise<never>(() => undefined)
      : new Promise<{ ok: false; reason: string }>((resolve) => {
          timer = setTimeout(() => {
            resolve({ ok: false, reason: `The handler did not finish within ${timeoutMs / 1000} seconds.` });
          }, timeoutMs);
        });
  try {
    return await Promise.race([
      Promise.resolve(promise).then(
        () => ({ ok: true }) as const,
        (error: unknown) => ({ ok: false, reason: error instanceof Error ? error.message : String(error) }) as const,
      ),
      timeout,
    ]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
