import type { z } from "zod";

/** One problem of a refused document: where (a JSON path such as `$.requests[0].table`) and what. */
export interface PathProblem {
  readonly path: string;
  readonly message: string;
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `["requests", 0, "attributes", "my column"]` → `$.requests[0].attributes["my column"]`. */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  let text = "$";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (typeof segment === "string" && identifier.test(segment)) text += `.${segment}`;
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text;
}

/** The issues of a zod error as path + message pairs, in zod's order. */
export function zodErrorProblems(error: z.ZodError): PathProblem[] {
  return error.issues.map((issue) => ({ path: formatJsonPath(issue.path), message: issue.message }));
}

/**
 * A readable one-paragraph message for a 400 reply or a refused file: the source (a file name, a
 * request description), then every problem with its path. Example:
 * `validation request: $.company: Too big: expected string to have <=4 characters`.
 */
export function formatZodError(error: z.ZodError, source: string): string {
  return formatProblems(zodErrorProblems(error), source);
}

export function formatProblems(problems: readonly PathProblem[], source: string): string {
  return problems.map((problem) => `${source}: ${problem.path}: ${problem.message}`).join("\n");
}
