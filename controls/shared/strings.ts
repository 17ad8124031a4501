/**
 * Localized strings: each control lists its keys once; `readStrings` pulls them from the manifest's
 * resx files through `context.resources.getString`, so components receive plain text props.
 */
export type Strings<K extends string> = Readonly<Record<K, string>>;

export function readStrings<K extends string>(keys: readonly K[], getString: (key: string) => string): Strings<K> {
  const strings = {} as Record<K, string>;
  for (const key of keys) {
    strings[key] = getString(key);
  }
  return strings;
}

/** Fills `{name}` placeholders; unknown placeholders stay as they are, so a missing value shows. */
export function format(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) =>
    Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : placeholder,
  );
}
