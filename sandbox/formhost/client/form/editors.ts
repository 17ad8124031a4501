/// <reference types="xrm" />
/**
 * The platform's own field controls, one per column type: text, multi-line text, numbers, choices,
 * yes/no, dates and lookups. Each editor shows the attribute's value and, when the user commits a
 * change (the field loses focus or a choice is picked), sets it and runs OnChange — which is when
 * the platform fires OnChange.
 */
import type { TableDefinition } from "@fsi/core/dataverse/schema";
import { tableByLogicalName } from "@fsi/core/dataverse/tables";
import { h } from "../dom";
import { firstRows } from "../lookup-search";
import type { SandboxWebApi } from "../web-api";
import type { HostAttribute } from "../xrm/attribute";
import { bareGuid, bracedId, type AttributeValue } from "../xrm/values";
import { platformStrings } from "../platform-strings";

export interface FieldEditor {
  readonly element: HTMLElement;
  /** The element a `<label for>` points at and `setFocus` focuses. */
  readonly focusTarget: HTMLElement;
  /** Shows the attribute's current value (never while the user is typing in it). */
  show(): void;
  setDisabled(disabled: boolean): void;
}

function pad(value: number): string {
  return String(value).padStart(2, "0");
}

function localDateTime(value: Date): string {
  return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}T${pad(value.getHours())}:${pad(value.getMinutes())}`;
}

function localDate(value: Date): string {
  return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
}

/** Parses what the user typed into a number column; undefined when it is not a number. */
export function parseNumber(text: string): number | null | undefined {
  const trimmed = text.trim().replace(/,/g, "");
  if (trimmed === "") return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}

function textEditor(id: string, attribute: HostAttribute, multiline: boolean): FieldEditor {
  const maxLength = attribute.getMaxLength();
  const input = multiline
    ? h("textarea", {
        attributes: { id, rows: "3", ...(maxLength === undefined ? {} : { maxlength: String(maxLength) }) },
      })
    : h("input", {
        attributes: {
          id,
          type: "text",
          autocomplete: "off",
          ...(maxLength === undefined ? {} : { maxlength: String(maxLength) }),
        },
      });
  input.addEventListener("change", () => {
    attribute.setValueFromUser(input.value === "" ? null : input.value);
  });
  return {
    element: input,
    focusTarget: input,
    show: () => {
      if (document.activeElement === input) return;
      const value = attribute.getValue();
      input.value = typeof value === "string" ? value : "";
    },
    setDisabled: (disabled) => {
      input.disabled = disabled;
    },
  };
}

function numberEditor(
  id: string,
  attribute: HostAttribute,
  reportInvalid: (message: string | undefined) => void,
): FieldEditor {
  const input = h("input", { attributes: { id, type: "text", inputmode: "decimal", autocomplete: "off" } });
  const precision = (): number => attribute.getPrecision() ?? 2;
  // What the user typed that is not a valid number stays in the box, with the error, until they
  // change it: the attribute keeps its last valid value, and a re-render must not wipe the text.
  let rejectedText: string | undefined;
  input.addEventListener("change", () => {
    const parsed = parseNumber(input.value);
    if (parsed === undefined) {
      rejectedText = input.value;
      reportInvalid(platformStrings().enterNumber);
      return;
    }
    const min = attribute.getMin();
    const max = attribute.getMax();
    if (parsed !== null && ((min !== undefined && parsed < min) || (max !== undefined && parsed > max))) {
      rejectedText = input.value;
      reportInvalid(platformStrings().numberRange(String(min ?? "-∞"), String(max ?? "∞")));
      return;
    }
    rejectedText = undefined;
    reportInvalid(undefined);
    attribute.setValueFromUser(parsed === null ? null : Number(parsed.toFixed(precision())));
  });
  return {
    element: input,
    focusTarget: input,
    show: () => {
      if (document.activeElement === input) return;
      if (rejectedText !== undefined) {
        input.value = rejectedText;
        return;
      }
      const value = attribute.getValue();
      input.value = typeof value === "number" ? value.toFixed(precision()) : "";
    },
    setDisabled: (disabled) => {
      input.disabled = disabled;
    },
  };
}

function choiceEditor(id: string, attribute: HostAttribute): FieldEditor {
  const select = h("select", { attributes: { id } }, [
    h("option", { text: platformStrings().selectPlaceholder, attributes: { value: "" } }),
    ...attribute
      .getOptions()
      .map((option) => h("option", { text: option.text, attributes: { value: String(option.value) } })),
  ]);
  select.addEventListener("change", () => {
    attribute.setValueFromUser(select.value === "" ? null : Number(select.value));
  });
  return {
    element: select,
    focusTarget: select,
    show: () => {
      const value = attribute.getValue();
      select.value = typeof value === "number" ? String(value) : "";
    },
    setDisabled: (disabled) => {
      select.disabled = disabled;
    },
  };
}

function booleanEditor(id: string, attribute: HostAttribute): FieldEditor {
  const select = h("select", { attributes: { id } }, [
    h("option", { text: platformStrings().selectPlaceholder, attributes: { value: "" } }),
    h("option", { text: "Yes", attributes: { value: "true" } }),
    h("option", { text: "No", attributes: { value: "false" } }),
  ]);
  select.addEventListener("change", () => {
    attribute.setValueFromUser(select.value === "" ? null : select.value === "true");
  });
  return {
    element: select,
    focusTarget: select,
    show: () => {
      const value = attribute.getValue();
      select.value = typeof value === "boolean" ? String(value) : "";
    },
    setDisabled: (disabled) => {
      select.disabled = disabled;
    },
  };
}

function dateEditor(id: string, attribute: HostAttribute, dateOnly: boolean): FieldEditor {
  const input = h("input", { attributes: { id, type: dateOnly ? "date" : "datetime-local" } });
  input.addEventListener("change", () => {
    if (input.value === "") {
      attribute.setValueFromUser(null);
      return;
    }
    attribute.setValueFromUser(new Date(dateOnly ? `${input.value}T00:00` : input.value));
  });
  return {
    element: input,
    focusTarget: input,
    show: () => {
      if (document.activeElement === input) return;
      const value = attribute.getValue();
      input.value = value instanceof Date ? (dateOnly ? localDate(value) : localDateTime(value)) : "";
    },
    setDisabled: (disabled) => {
      input.disabled = disabled;
    },
  };
}

/**
 * A lookup: the rows of the target table by name, with their company — a company-striped table
 * holds rows of every company, and which one the user picks is what SCM checks.
 */
function lookupEditor(id: string, attribute: HostAttribute, webApi: SandboxWebApi): FieldEditor {
  const column = attribute.column;
  const target: TableDefinition | undefined =
    column.type === "lookup" ? tableByLogicalName(column.targets[0] ?? "") : undefined;
  const select = h("select", { attributes: { id, "aria-busy": "true" } }, [
    h("option", { text: platformStrings().selectPlaceholder, attributes: { value: "" } }),
  ]);
  const names = new Map<string, string>();
  const current = (): Xrm.LookupValue | undefined => {
    const value = attribute.getValue();
    return Array.isArray(value) ? value[0] : undefined;
  };
  const ensureOption = (id: string, label: string): void => {
    if ([...select.options].some((option) => option.value === id)) return;
    select.append(h("option", { text: label, attributes: { value: id } }));
  };
  const show = (): void => {
    const value = current();
    if (value !== undefined) {
      const key = bareGuid(value.id);
      ensureOption(key, names.get(key) ?? value.name ?? key);
      select.value = key;
    } else select.value = "";
  };
  if (target !== undefined) {
    void firstRows(webApi, target).then(
      (rows) => {
        for (const row of rows) {
          const key = bareGuid(row.id);
          const label = row.detail === "" ? row.name : `${row.name} · ${row.detail}`;
          names.set(key, label);
          const existing = [...select.options].find((option) => option.value === key);
          if (existing !== undefined) existing.text = label;
          else select.append(h("option", { text: label, attributes: { value: key } }));
        }
        select.removeAttribute("aria-busy");
        show();
      },
      (error: unknown) => {
        select.removeAttribute("aria-busy");
        select.title = `The ${target.displayName} rows could not be read: ${error instanceof Error ? error.message : String(error)}`;
      },
    );
  }
  select.addEventListener("change", () => {
    if (select.value === "" || target === undefined) {
      attribute.setValueFromUser(null);
      return;
    }
    const label = names.get(select.value) ?? "";
    const name = label.split(" · ")[0] ?? label;
    const value: AttributeValue = [{ id: bracedId(select.value), name, entityType: target.logicalName }];
    attribute.setValueFromUser(value);
  });
  return {
    element: select,
    focusTarget: select,
    show,
    setDisabled: (disabled) => {
      select.disabled = disabled;
    },
  };
}

export function editorFor(
  id: string,
  attribute: HostAttribute,
  webApi: SandboxWebApi,
  reportInvalid: (message: string | undefined) => void,
): FieldEditor {
  const column = attribute.column;
  switch (column.type) {
    case "memo":
      return textEditor(id, attribute, true);
    case "integer":
    case "decimal":
    case "double":
    case "money":
      return numberEditor(id, attribute, reportInvalid);
    case "choice":
    case "state":
    case "status":
      return choiceEditor(id, attribute);
    case "boolean":
      return booleanEditor(id, attribute);
    case "datetime":
      return dateEditor(id, attribute, column.behavior === "DateOnly");
    case "lookup":
      return lookupEditor(id, attribute, webApi);
    default:
      return textEditor(id, attribute, false);
  }
}
