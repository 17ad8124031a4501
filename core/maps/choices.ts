/**
 * Template choices: a template may offer alternative sets of column pairs for one concern (how
 * warehouses are named) and name the option used when nobody chooses. Building a map appends the
 * chosen options' pairs to the shared ones; each pair remembers where in the template it came from,
 * so problems point at the option that caused them.
 */
import type { TemplateProblem } from "./template-checks";
import type { ChoiceSelection, ColumnPair, MapTemplate } from "./template-schema";

export interface PlacedPair {
  readonly pair: ColumnPair;
  /** The pair's path in the template or override it came from. */
  readonly origin: readonly PropertyKey[];
}

/** Each choice's default option, as a selection. */
export function defaultSelection(template: Pick<MapTemplate, "choices">): ChoiceSelection {
  return Object.fromEntries(Object.entries(template.choices ?? {}).map(([name, choice]) => [name, choice.default]));
}

/**
 * `current` with `requested` applied on top. A choice or option the template does not offer is a
 * problem at `requestPath` + the choice's name, listing what is offered.
 */
export function applySelection(
  template: Pick<MapTemplate, "choices" | "name">,
  current: ChoiceSelection,
  requested: ChoiceSelection,
  requestPath: readonly PropertyKey[],
): { chosen: ChoiceSelection; problems: TemplateProblem[] } {
  const chosen: Record<string, string> = { ...current };
  const problems: TemplateProblem[] = [];
  const choices = template.choices ?? {};
  for (const [name, option] of Object.entries(requested)) {
    const choice = choices[name];
    if (choice === undefined) {
      const offered = Object.keys(choices);
      problems.push({
        path: [...requestPath, name],
        message: `map ${template.name} has no choice ${name}${offered.length > 0 ? ` (choices: ${offered.join(", ")})` : ""}`,
      });
    } else if (choice.options[option] === undefined) {
      problems.push({
        path: [...requestPath, name],
        message: `${option} is not an option of ${name} (options: ${Object.keys(choice.options).join(", ")})`,
      });
    } else chosen[name] = option;
  }
  return { chosen, problems };
}

/** The pairs the chosen options add, in the template's choice order. */
export function chosenPairs(template: Pick<MapTemplate, "choices">, chosen: ChoiceSelection): PlacedPair[] {
  return Object.entries(template.choices ?? {}).flatMap(([name, choice]) => {
    const optionName = chosen[name] ?? choice.default;
    const option = choice.options[optionName];
    return (option?.columns ?? []).map((pair, index) => ({
      pair,
      origin: ["choices", name, "options", optionName, "columns", index],
    }));
  });
}
