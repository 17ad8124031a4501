/**
 * Small builders for column definitions, so table files read like a column list. Each returns a
 * literal type, which keeps `RowOf<typeof table>` precise.
 */
import type { ChoiceOption } from "./schema";

interface Flags {
  readonly required?: boolean;
  readonly readOnly?: boolean;
  readonly createOnly?: boolean;
  readonly secret?: boolean;
}

export const id = (displayName: string) => ({ type: "uniqueidentifier", displayName, readOnly: true }) as const;

export const text = <F extends Flags>(displayName: string, maxLength: number, flags?: F) =>
  ({ type: "string", displayName, maxLength, ...flags }) as {
    type: "string";
    displayName: string;
    maxLength: number;
  } & F;

export const memo = (displayName: string, maxLength = 2000) => ({ type: "memo", displayName, maxLength }) as const;

export const whole = <F extends Flags & { min?: number; max?: number }>(displayName: string, flags?: F) =>
  ({ type: "integer", displayName, ...flags }) as { type: "integer"; displayName: string } & F;

export const decimal = (displayName: string, precision = 2, min?: number, max?: number) =>
  ({ type: "decimal", displayName, precision, min, max }) as const;

/** Float column (Dataverse "Double"); latitude and longitude use precision 5 in Field Service. */
export const float = (displayName: string, precision: number, min: number, max: number) =>
  ({ type: "double", displayName, precision, min, max }) as const;

/** Latitude and longitude: Field Service stores them as Float with 5 decimals. */
export const latitude = (displayName: string) => float(displayName, 5, -90, 90);
export const longitude = (displayName: string) => float(displayName, 5, -180, 180);

export const yesNo = (displayName: string) => ({ type: "boolean", displayName }) as const;

export const dateTime = (displayName: string, flags?: Flags) =>
  ({ type: "datetime", displayName, behavior: "UserLocal", ...flags }) as const;

export const choice = <F extends Flags>(displayName: string, options: readonly ChoiceOption[], flags?: F) =>
  ({ type: "choice", displayName, options, ...flags }) as {
    type: "choice";
    displayName: string;
    options: readonly ChoiceOption[];
  } & F;

/**
 * A lookup. The navigation property defaults to the column's logical name (filled in by
 * `defineTable`); pass `nav` where a table uses another name.
 */
export const lookup = <F extends Flags>(
  displayName: string,
  target: string | readonly string[],
  flags?: F & { nav?: string },
) => {
  const { nav, ...rest } = flags ?? ({} as F & { nav?: string });
  return {
    type: "lookup",
    displayName,
    targets: typeof target === "string" ? [target] : target,
    navigationProperty: nav ?? "",
    ...rest,
  } as { type: "lookup"; displayName: string; targets: readonly string[]; navigationProperty: string } & Omit<F, "nav">;
};

export const stateCode = () =>
  ({
    type: "state",
    displayName: "Status",
    options: [
      { value: 0, label: "Active" },
      { value: 1, label: "Inactive" },
    ],
  }) as const;

export const statusCode = () =>
  ({
    type: "status",
    displayName: "Status Reason",
    options: [
      { value: 1, label: "Active" },
      { value: 2, label: "Inactive" },
    ],
  }) as const;
