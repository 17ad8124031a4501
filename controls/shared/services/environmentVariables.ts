import { anyOf, compare, guidLiteral, queryString, stringLiteral } from "./odata";
import { sameId } from "./ids";
import { lookupValueColumn, stringColumn, type WebApiReader } from "./webApi";

/**
 * Reads environment variables through the `environmentvariabledefinitions` and
 * `environmentvariablevalues` tables: `context.webAPI` cannot call the
 * `RetrieveEnvironmentVariableValue` function (docs/design.md §4). Two requests whatever the number of
 * variables. A variable's current value wins over its definition's default; a variable that is
 * not defined, or has neither, reads as null.
 */
export async function readEnvironmentVariables<N extends string>(
  webApi: WebApiReader,
  schemaNames: readonly N[],
): Promise<Readonly<Record<N, string | null>>> {
  const result = {} as Record<N, string | null>;
  const definitionColumn = lookupValueColumn("environmentvariabledefinitionid");
  const definitions = (
    await webApi.retrieveMultipleRecords(
      "environmentvariabledefinition",
      queryString({
        select: ["environmentvariabledefinitionid", "schemaname", "defaultvalue"],
        filter: anyOf(schemaNames.map((name) => compare("schemaname", "eq", stringLiteral(name)))),
      }),
    )
  ).entities;
  const ids = definitions.flatMap((row) => stringColumn(row, "environmentvariabledefinitionid") ?? []);
  const values =
    ids.length === 0
      ? []
      : (
          await webApi.retrieveMultipleRecords(
            "environmentvariablevalue",
            queryString({
              select: [definitionColumn, "value"],
              filter: anyOf(ids.map((id) => compare(definitionColumn, "eq", guidLiteral(id)))),
            }),
          )
        ).entities;
  for (const name of schemaNames) {
    // Schema names compare without regard to case, as Dataverse does.
    const definition = definitions.find((row) => stringColumn(row, "schemaname")?.toLowerCase() === name.toLowerCase());
    const id = definition && stringColumn(definition, "environmentvariabledefinitionid");
    const value = id ? values.find((row) => sameId(stringColumn(row, definitionColumn) ?? "", id)) : undefined;
    result[name] =
      (value && nonEmpty(stringColumn(value, "value"))) ??
      (definition ? nonEmpty(stringColumn(definition, "defaultvalue")) : null);
  }
  return result;
}

export async function readEnvironmentVariable(webApi: WebApiReader, schemaName: string): Promise<string | null> {
  const values: Readonly<Record<string, string | null>> = await readEnvironmentVariables(webApi, [schemaName]);
  return values[schemaName] ?? null;
}

function nonEmpty(value: string | null): string | null {
  return value !== null && value.trim() !== "" ? value.trim() : null;
}
