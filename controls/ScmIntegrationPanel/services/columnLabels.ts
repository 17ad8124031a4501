import type { ColumnLabels } from "./scmCheck";

/** The slice of `context.utils` the panel uses. */
export interface MetadataReader {
  getEntityMetadata(entityName: string, attributes?: string[]): Promise<unknown>;
}

function displayName(attribute: unknown): string | null {
  if (typeof attribute !== "object" || attribute === null) return null;
  const name = (attribute as { DisplayName?: unknown }).DisplayName;
  if (typeof name === "string") return name;
  // Raw metadata carries a Label object rather than the user's string.
  const localized = (name as { UserLocalizedLabel?: { Label?: unknown } } | undefined)?.UserLocalizedLabel?.Label;
  return typeof localized === "string" ? localized : null;
}

/**
 * Column display names in the user's language, from `utils.getEntityMetadata`: its `Attributes` is a
 * collection with `get(name)` in model-driven apps; a plain object keyed by name is read too.
 */
export function columnLabelsFrom(utils: MetadataReader): ColumnLabels {
  return async (table, columns) => {
    const metadata = await utils.getEntityMetadata(table, [...columns]);
    const attributes =
      typeof metadata === "object" && metadata !== null ? (metadata as { Attributes?: unknown }).Attributes : undefined;
    const labels: Record<string, string> = {};
    for (const column of columns) {
      const attribute =
        typeof attributes === "object" && attributes !== null
          ? typeof (attributes as { get?: unknown }).get === "function"
            ? (attributes as { get(name: string): unknown }).get(column)
            : (attributes as Record<string, unknown>)[column]
          : undefined;
      const name = displayName(attribute);
      if (name) labels[column] = name;
    }
    return labels;
  };
}
