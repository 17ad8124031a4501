import { formatJsonPath, formatProblems, type PathProblem } from "../validation/format-zod-error";
import { chosenPairs, defaultSelection, type PlacedPair } from "./choices";
import { checkMapTemplate, type TemplateProblem } from "./template-checks";
import {
  mapTemplateSchema,
  type ChoiceSelection,
  type EntityMap,
  type MapTemplate,
  type ResolvedTemplate,
} from "./template-schema";

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
 * against the table and entity definitions, and builds the map with each choice's default option.
 * Every option is checked, not only the defaults, so an alternative nobody uses yet cannot rot.
 * `source` names the file in error messages.
 */
export function parseMapTemplate(json: unknown, source: string): EntityMap {
  const parsed = mapTemplateSchema.safeParse(parseJsonDocument(json, source));
  if (!parsed.success) {
    throw new MapTemplateError(
      source,
      parsed.error.issues.map((issue) => ({ path: formatJsonPath(issue.path), message: issue.message })),
    );
  }
  const template = parsed.data;
  const shared: PlacedPair[] = template.columns.map((pair, index) => ({ pair, origin: ["columns", index] }));
  const defaults = defaultSelection(template);
  const problems = new Map<string, TemplateProblem>();
  for (const selection of [defaults, ...alternatives(template, defaults)]) {
    for (const problem of checkPlaced(template, [...shared, ...chosenPairs(template, selection)], selection).problems)
      problems.set(`${formatJsonPath(problem.path)} ${problem.message}`, problem);
  }
  return checkedMap(resolve(template, [...shared, ...chosenPairs(template, defaults)], defaults), source, [
    ...problems.values(),
  ]);
}

/** Each non-default option of each choice, the other choices left at their defaults. */
function alternatives(template: MapTemplate, defaults: ChoiceSelection): ChoiceSelection[] {
  return Object.entries(template.choices ?? {}).flatMap(([name, choice]) =>
    Object.keys(choice.options)
      .filter((option) => option !== choice.default)
      .map((option) => ({ ...defaults, [name]: option })),
  );
}

/**
 * The map built from `pairs`. The choices and the options chosen ride along as non-enumerable
 * properties: an override can choose again, while the map written out as JSON is a plain template
 * (its columns already hold the chosen pairs) that parses back to the same map.
 */
export function resolve(
  template: MapTemplate,
  pairs: readonly PlacedPair[],
  chosen: ChoiceSelection,
): ResolvedTemplate {
  const { choices, ...rest } = template;
  const resolved: ResolvedTemplate = { ...rest, columns: pairs.map((placed) => placed.pair) };
  if (choices !== undefined) {
    Object.defineProperties(resolved, {
      choices: { value: choices, enumerable: false },
      chosen: { value: chosen, enumerable: false },
    });
  }
  return resolved;
}

/**
 * Checks the map built from `pairs` and reports each problem at the place its pair came from (a
 * shared column, an option, an override entry).
 */
export function checkPlaced(
  template: MapTemplate,
  pairs: readonly PlacedPair[],
  chosen: ChoiceSelection,
): { resolved: ResolvedTemplate; problems: TemplateProblem[] } {
  const resolved = resolve(template, pairs, chosen);
  const problems = checkMapTemplate(resolved).map((problem) => {
    const [section, index, ...rest] = problem.path;
    const origin = section === "columns" && typeof index === "number" ? pairs[index]?.origin : undefined;
    return origin === undefined ? problem : { path: [...origin, ...rest], message: problem.message };
  });
  return { resolved, problems };
}

/** Brands a template as checked, or throws with the problems found. */
export function checkedMap(
  template: ResolvedTemplate,
  source: string,
  problems: readonly TemplateProblem[],
): EntityMap {
  if (problems.length > 0) {
    throw new MapTemplateError(
      source,
      problems.map((problem) => ({ path: formatJsonPath(problem.path), message: problem.message })),
    );
  }
  return template as EntityMap;
}
