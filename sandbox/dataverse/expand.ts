/**
 * `$expand` on single-valued navigation properties (a lookup's related row), with an optional
 * nested `$select`: `$expand=msdyn_company($select=cdm_name,cdm_companycode)`.
 */
import type { TableDefinition } from "@fsi/core";
import { tableByLogicalName } from "@fsi/core";
import { badQuery, unknownProperty } from "./errors";

export interface ExpandItem {
  readonly navigationProperty: string;
  /** The lookup column of the parent table. */
  readonly column: string;
  readonly target: TableDefinition;
  /** Nested `$select` text, if any. */
  readonly select: string | undefined;
}

export function parseExpand(text: string, table: TableDefinition): ExpandItem[] {
  const items: ExpandItem[] = [];
  for (const part of splitTopLevel(text)) {
    const trimmed = part.trim();
    const open = trimmed.indexOf("(");
    const navigationProperty = (open === -1 ? trimmed : trimmed.slice(0, open)).trim();
    if (open !== -1 && !trimmed.endsWith(")"))
      throw badQuery(`Syntax error in $expand: '${trimmed}' has no closing parenthesis.`);
    const options = open === -1 ? "" : trimmed.slice(open + 1, -1);
    const entry = Object.entries(table.columns).find(
      ([, column]) => column.type === "lookup" && column.navigationProperty === navigationProperty,
    );
    if (entry === undefined) throw unknownProperty(table.logicalName, navigationProperty);
    const [column, definition] = entry;
    const targetName = definition.type === "lookup" ? definition.targets[0] : undefined;
    const target = targetName === undefined ? undefined : tableByLogicalName(targetName);
    if (target === undefined) throw unknownProperty(table.logicalName, navigationProperty);
    let select: string | undefined;
    for (const option of splitOptions(options)) {
      const equals = option.indexOf("=");
      const name = option.slice(0, equals === -1 ? undefined : equals).trim();
      if (name !== "$select" || equals === -1) {
        throw badQuery(`Only $select is supported inside $expand=${navigationProperty}(...); got '${option}'.`);
      }
      select = option.slice(equals + 1).trim();
    }
    if (items.some((item) => item.navigationProperty === navigationProperty)) {
      throw badQuery(`The navigation property '${navigationProperty}' is expanded twice.`);
    }
    items.push({ navigationProperty, column, target, select });
  }
  return items;
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of text) {
    if (char === "(") depth += 1;
    if (char === ")") depth -= 1;
    if (depth < 0) throw badQuery(`Syntax error in $expand: unbalanced parentheses in '${text}'.`);
    if (char === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  if (depth !== 0) throw badQuery(`Syntax error in $expand: unbalanced parentheses in '${text}'.`);
  parts.push(current);
  return parts.filter((part) => part.trim() !== "");
}

function splitOptions(text: string): string[] {
  return text
    .split(";")
    .map((option) => option.trim())
    .filter((option) => option !== "");
}
