/**
 * Small readers over the PCF context shared by the controls' `index.ts`, so each lifecycle
 * file stays a lifecycle: what it passes to its component is read here.
 */
import type { PartialTheme } from "@fluentui/react-components";
import type { Strings } from "./strings";

export interface Lookup {
  readonly id: string;
  readonly name: string;
  readonly entityType: string;
}

/** The first value of a lookup parameter, or null when empty or unbound. */
export function firstLookup(property: ComponentFramework.PropertyTypes.LookupProperty | undefined): Lookup | null {
  const value = property?.raw[0];
  if (!value?.id) {
    return null;
  }
  return { id: value.id, name: value.name ?? "", entityType: value.entityType };
}

export function numberParameter(property: ComponentFramework.PropertyTypes.NumberProperty | undefined): number | null {
  const raw = property?.raw;
  return typeof raw === "number" && Number.isFinite(raw) ? raw : null;
}

/**
 * The control's strings, read from its resx through `context.resources.getString` when used. A
 * proxy rather than a copy: the bundle then carries no list of keys (each control's `*StringKeys`
 * list is for the tests that hold the resx files complete).
 */
export function stringsFromContext<K extends string>(context: ComponentFramework.Context<unknown>): Strings<K> {
  return new Proxy({} as Record<K, string>, {
    get: (_target, key) => (typeof key === "string" ? context.resources.getString(key) : undefined),
  });
}

/** The app's Fluent 9 theme, when the host provides one (model-driven apps do). */
export function themeFromContext(context: ComponentFramework.Context<unknown>): PartialTheme | undefined {
  return context.fluentDesignLanguage?.tokenTheme as PartialTheme | undefined;
}

export function formatNumberWith(
  context: ComponentFramework.Context<unknown>,
): (value: number, decimals: number) => string {
  return (value, decimals) => context.formatting.formatDecimal(value, decimals);
}

/**
 * The form's table and row id. `context.mode.contextInfo` is not in the published typings but is
 * what model-driven apps pass to field controls (and what Microsoft's own samples read); it is
 * checked at run time, so a host without it just gives null.
 */
export interface RecordContext {
  readonly entityTypeName: string;
  readonly entityId: string | null;
}

export function recordFromContext(context: ComponentFramework.Context<unknown>): RecordContext | null {
  const info: unknown = (context.mode as { contextInfo?: unknown }).contextInfo;
  if (typeof info !== "object" || info === null) {
    return null;
  }
  const { entityTypeName, entityId } = info as { entityTypeName?: unknown; entityId?: unknown };
  if (typeof entityTypeName !== "string" || entityTypeName === "") {
    return null;
  }
  return { entityTypeName, entityId: typeof entityId === "string" && entityId !== "" ? entityId : null };
}
