/**
 * SCM's validation messages name its own fields and print dates as ISO text (`'ActiveFrom'
 * (2021-11-07T00:00:00Z) must be …`). Where the form shows one on a field, it reads better in the
 * user's terms: the field's label for the field the message is about, other SCM field names as
 * words, and dates in the user's language. Applied where the message is shown, so it holds for every
 * source of SCM errors (the validation API, a refused save).
 */

/** An SCM field name in a message: PascalCase of two words or more (`ActiveFrom`, `OperationalSiteId`), quoted. */
const QUOTED_FIELD = /'([A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+)'/g;
/** An ISO 8601 UTC date-time as SCM writes it; midnight means a date. */
const ISO_DATE_TIME = /\b(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)Z\b/g;

/** `ActiveFrom` → `Active From`, `OperationalSiteId` → `Operational Site Id`. */
export function wordsOf(field: string): string {
  return field.replace(/([a-z0-9])([A-Z])/g, "$1 $2");
}

/** The BCP 47 tag of a Dataverse language id (LCID); the browser's default when unknown. */
export function localeOf(languageId: number | undefined): string | undefined {
  const known: Readonly<Record<number, string>> = { 1031: "de-DE", 1033: "en-US", 1036: "fr-FR", 2057: "en-GB" };
  return languageId === undefined ? undefined : known[languageId];
}

export function readableScmMessage(
  message: string,
  fieldLabel: string | undefined,
  locale: string | undefined,
): string {
  let first = true;
  const named = message.replace(QUOTED_FIELD, (_match, field: string) => {
    const label = first && fieldLabel !== undefined ? fieldLabel : wordsOf(field);
    first = false;
    return `"${label}"`;
  });
  return named.replace(ISO_DATE_TIME, (text, date: string, time: string) => {
    const value = new Date(text);
    if (Number.isNaN(value.getTime())) return text;
    const midnight = /^00:00(?::00(?:\.0+)?)?$/.test(time);
    return new Intl.DateTimeFormat(
      locale,
      midnight
        ? { dateStyle: "medium", timeZone: "UTC" }
        : { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" },
    ).format(value);
  });
}
