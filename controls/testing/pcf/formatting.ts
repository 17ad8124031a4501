/// <reference types="powerapps-component-framework" />
/**
 * `context.formatting` and `userSettings.*FormattingInfo` for the user's locale and time zone, from
 * `Intl` — the same numbers and dates a model-driven app formats for that language (PA
 * `component-framework/reference/formatting.md`, `.../userSettings.md`).
 */

function names(locale: string, style: "long" | "short" | "narrow", kind: "month" | "weekday"): string[] {
  const format = new Intl.DateTimeFormat(
    locale,
    kind === "month" ? { month: style, timeZone: "UTC" } : { weekday: style, timeZone: "UTC" },
  );
  // 2023-01-01 was a Sunday: days 1..7 are Sunday..Saturday, months 0..11 start on the 1st.
  return kind === "month"
    ? Array.from({ length: 12 }, (_, month) => format.format(Date.UTC(2023, month, 1)))
    : Array.from({ length: 7 }, (_, day) => format.format(Date.UTC(2023, 0, 1 + day)));
}

function part(
  locale: string,
  options: Intl.DateTimeFormatOptions | Intl.NumberFormatOptions,
  type: string,
  value: Date | number,
): string {
  const parts =
    value instanceof Date
      ? new Intl.DateTimeFormat(locale, options as Intl.DateTimeFormatOptions).formatToParts(value)
      : new Intl.NumberFormat(locale, options as Intl.NumberFormatOptions).formatToParts(value);
  return parts.find((candidate) => candidate.type === type)?.value ?? "";
}

/** A .NET-style pattern (`M/d/yyyy`) for the locale's short date, read from Intl's parts. */
function shortDatePattern(locale: string): string {
  const tokens: Record<string, string> = { year: "yyyy", month: "M", day: "d" };
  return new Intl.DateTimeFormat(locale, { year: "numeric", month: "numeric", day: "numeric", timeZone: "UTC" })
    .formatToParts(Date.UTC(2023, 10, 22))
    .map((piece) => tokens[piece.type] ?? piece.value)
    .join("");
}

export function dateFormattingInfo(locale: string): ComponentFramework.UserSettingApi.DateFormattingInfo {
  const hour12 = new Intl.DateTimeFormat(locale, { hour: "numeric" }).resolvedOptions().hour12 === true;
  const firstDay =
    (new Intl.Locale(locale) as Intl.Locale & { weekInfo?: { firstDay?: number } }).weekInfo?.firstDay ?? 7;
  const monthNames = names(locale, "long", "month");
  const abbreviatedMonthNames = names(locale, "short", "month");
  return {
    amDesignator: hour12 ? part(locale, { hour: "numeric", hour12: true }, "dayPeriod", new Date(2023, 0, 1, 9)) : "",
    pmDesignator: hour12 ? part(locale, { hour: "numeric", hour12: true }, "dayPeriod", new Date(2023, 0, 1, 21)) : "",
    abbreviatedDayNames: names(locale, "short", "weekday"),
    abbreviatedMonthGenitiveNames: abbreviatedMonthNames,
    abbreviatedMonthNames,
    calendarWeekRule: 0,
    calendar: {
      minSupportedDateTime: new Date(Date.UTC(1753, 0, 1)),
      maxSupportedDateTime: new Date(Date.UTC(9999, 11, 31)),
      algorithmType: 1,
      calendarType: 1,
      twoDigitYearMax: 2049,
    },
    dateSeparator:
      part(locale, { year: "numeric", month: "numeric", day: "numeric" }, "literal", new Date(2023, 10, 22)) || "/",
    dayNames: names(locale, "long", "weekday"),
    firstDayOfWeek: (firstDay % 7) as ComponentFramework.UserSettingApi.Types.DayOfWeek,
    fullDateTimePattern: "dddd, MMMM d, yyyy h:mm:ss tt",
    longDatePattern: "dddd, MMMM d, yyyy",
    longTimePattern: hour12 ? "h:mm:ss tt" : "HH:mm:ss",
    monthDayPattern: "MMMM d",
    monthGenitiveNames: monthNames,
    monthNames,
    shortDatePattern: shortDatePattern(locale),
    shortTimePattern: hour12 ? "h:mm tt" : "HH:mm",
    shortestDayNames: names(locale, "narrow", "weekday"),
    sortableDateTimePattern: "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
    timeSeparator: part(locale, { hour: "numeric", minute: "numeric" }, "literal", new Date(2023, 0, 1, 9, 30)) || ":",
    universalSortableDateTimePattern: "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
    yearMonthPattern: "MMMM yyyy",
  };
}

export function numberFormattingInfo(locale: string): ComponentFramework.UserSettingApi.NumberFormattingInfo {
  const decimal = part(locale, {}, "decimal", 1.5) || ".";
  const group = part(locale, { useGrouping: true }, "group", 1234567) || ",";
  const currency = part(locale, { style: "currency", currency: "USD" }, "currency", 1) || "$";
  return {
    currencyDecimalDigits: 2,
    currencyDecimalSeparator: decimal,
    currencyGroupSeparator: group,
    currencyGroupSizes: [3],
    currencyNegativePattern: 1,
    currencyPositivePattern: 0,
    currencySymbol: currency,
    nanSymbol: "NaN",
    nativeDigits: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
    negativeInfinitySymbol: "-∞",
    negativeSign: "-",
    numberDecimalDigits: 2,
    numberDecimalSeparator: decimal,
    numberGroupSeparator: group,
    numberGroupSizes: [3],
    numberNegativePattern: 1,
    perMilleSymbol: "‰",
    percentDecimalDigits: 2,
    percentDecimalSeparator: decimal,
    percentGroupSeparator: group,
    percentGroupSizes: [3],
    percentNegativePattern: 1,
    percentPositivePattern: 1,
    percentSymbol: "%",
    positiveInfinitySymbol: "∞",
    positiveSign: "+",
  };
}

/** ISO 8601 week number. */
export function weekOfYear(value: Date): number {
  const date = new Date(Date.UTC(value.getFullYear(), value.getMonth(), value.getDate()));
  const day = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  return Math.ceil(((date.getTime() - yearStart) / 86_400_000 + 1) / 7);
}

/**
 * Minutes the time zone is ahead of UTC at `date` (`userSettings.getTimeZoneOffsetMinutes`); the
 * browser's own zone when `timeZone` is undefined.
 */
export function timeZoneOffsetMinutes(date: Date, timeZone: string | undefined): number {
  if (timeZone === undefined) return -date.getTimezoneOffset();
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  }).formatToParts(date);
  const field = (type: string) => Number(parts.find((candidate) => candidate.type === type)?.value ?? 0);
  const wall = Date.UTC(
    field("year"),
    field("month") - 1,
    field("day"),
    field("hour"),
    field("minute"),
    field("second"),
  );
  return Math.round((wall - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
}

/** `context.formatting` in `locale`, dates in `timeZone` (the browser's own when undefined). */
export function formattingFor(
  locale: string,
  languageName: (lcid: number) => string,
  timeZone?: string,
): ComponentFramework.Formatting {
  const number = (options: Intl.NumberFormatOptions) => new Intl.NumberFormat(locale, options);
  const date = (options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat(locale, timeZone === undefined ? options : { timeZone, ...options });
  return {
    formatCurrency: (value, precision = 2, symbol) =>
      symbol === undefined
        ? number({
            style: "currency",
            currency: "USD",
            minimumFractionDigits: precision,
            maximumFractionDigits: precision,
          }).format(value)
        : `${symbol}${number({ minimumFractionDigits: precision, maximumFractionDigits: precision }).format(value)}`,
    formatDecimal: (value, precision = 2) =>
      number({ minimumFractionDigits: precision, maximumFractionDigits: precision }).format(value),
    formatDateAsFilterStringInUTC: (value, includeTime) =>
      includeTime === true ? value.toISOString().slice(0, 19) : value.toISOString().slice(0, 10),
    formatDateLong: (value) => date({ dateStyle: "full" }).format(value),
    formatDateLongAbbreviated: (value) => date({ dateStyle: "medium" }).format(value),
    formatDateShort: (value, includeTime) =>
      date(includeTime === true ? { dateStyle: "short", timeStyle: "short" } : { dateStyle: "short" }).format(value),
    formatDateYearMonth: (value) => date({ year: "numeric", month: "long" }).format(value),
    formatInteger: (value) => number({ maximumFractionDigits: 0 }).format(value),
    formatLanguage: (value) => languageName(value),
    // Behavior 1 (user local) shows the user's local time; 3 (time-zone independent) and 2 (date
    // only) the stored time.
    formatTime: (value, behavior) =>
      (behavior === 1
        ? date({ timeStyle: "short" })
        : new Intl.DateTimeFormat(locale, { timeStyle: "short", timeZone: "UTC" })
      ).format(value),
    getWeekOfYear: weekOfYear,
  };
}
