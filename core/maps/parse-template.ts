import { formatJsonPath, formatProblems, type PathProblem } from "../validation/format-zod-error";
import { checkMapTemplate, type TemplateProblem } from "./template-checks";
import { mapTemplateSchema, type EntityMap, type MapTemplate } from "./template-schema";

/** A refused map template or override: names the source, and each problem with its JSON path. */
export class MapTemplateError extends Error {
  override readonly name = "MapTemplateError";
  readonly code = "INVALID_MAP_TEMPLATE";
  constructor(
    readonly source: string,
    readonly problems: readonly PathProblem[],
  ) {
    super(formatProblems(problems, source));
  }
}

/** Parses JSON text, or passes an already-parsed value through. */
export function parseJsonDocument(json: unknown, source: string): unknown {
  if (typeof json !== "string") return json;
  try {
    return JSON.parse(json) as unknown;
  } catch (error) {
    throw new MapTemplateError(source, [{ path: "$", message: `not valid JSON: ${(error as Error).message}` }]);
  }
}

/**
 * Validates a map template (JSON text or a parsed value) against the template schema and then
 * against the table and entity definitions. `source` names the file in error messages.
 */
export function parseMapTemplate(json: unknown, source: string): EntityMap {
  const parsed = mapTemplateSchema.safeParse(parseJsonDocument(json, source));
  if (!parsed.success) {
    throw new MapTemplateError(
      source,
      parsed.error.issues.map((issue) => ({ path: formatJsonPath(issue.path), message: issue.message })),
    );
  }
  return checkedMap(parsed.data, source, checkMapTemplate(parsed.data));
}

/** Brands a template as checked, or throws with the problems found. */
export function checkedMap(template: MapTemplate, source: string, problems: readonly TemplateProblem[]): EntityMap {
  if (problems.length > 0) {
    throw new MapTemplateError(
      source,
      problems.map((problem) => ({ path: formatJsonPath(problem.path), message: problem.message })),
    );
  }
  return template as EntityMap;
}
