/**
 * Finance and operations' OData error bodies, written by the SCM emulator and read by the SCM
 * client, so the two can never drift apart.
 *
 * The envelope is OData JSON's (`{ "error": { "code", "message", "innererror": { "message", "type",
 * "stacktrace" } } }`). **Unconfirmed** (no Microsoft spec; it is what real environments answer in
 * many published samples), kept here and nowhere else:
 * - a refused write answers `code` "" and `message` "An error has occurred.", and puts the infolog
 *   in `innererror.message`: `Write failed for table row of type '<Entity>'. Infolog: Error: …;
 *   Warning: …` — entries prefixed `Info:` / `Warning:` / `Error:`, separated by "; ";
 * - a field's failure is followed by the marker `validateField failed on field '<Entity>.<Field>'`;
 * - `innererror.type` is `Microsoft.Dynamics.Platform.Integration.Services.OData.AxODataWriteException`.
 * The parser is lenient: text it does not recognise becomes a row-level error, so nothing SCM said
 * is lost.
 */

export const SCM_WRITE_EXCEPTION_TYPE = "Microsoft.Dynamics.Platform.Integration.Services.OData.AxODataWriteException";
export const SCM_GENERIC_ERROR_MESSAGE = "An error has occurred.";

/** One infolog entry about a write: the entity field it concerns, if any, and its text. */
export interface ScmInfologEntry {
  readonly level: "Info" | "Warning" | "Error";
  readonly message: string;
  /** The entity field a `validateField failed` marker named for this entry. */
  readonly field?: string;
}

export interface ScmODataErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly innererror?: { readonly message: string; readonly type: string; readonly stacktrace: string };
  };
}

const ENTRY_SEPARATOR = "; ";
const INFOLOG_MARKER = "Infolog: ";
const FIELD_MARKER = /^validateField failed on field '([^'.]+)\.([^']+)'\.?$/;
const ENTRY = /^(Info|Warning|Error): ([\s\S]*)$/;

/** The body of a refused write: every violation as an `Error:` entry, each field one followed by its marker. */
export function scmWriteErrorBody(entityName: string, entries: readonly ScmInfologEntry[]): ScmODataErrorBody {
  const infolog = entries
    .flatMap((entry) => [
      `${entry.level}: ${entry.message.replaceAll(ENTRY_SEPARATOR, ", ")}`,
      ...(entry.field === undefined ? [] : [`Error: validateField failed on field '${entityName}.${entry.field}'`]),
    ])
    .join(ENTRY_SEPARATOR);
  return {
    error: {
      code: "",
      message: SCM_GENERIC_ERROR_MESSAGE,
      innererror: {
        message: `Write failed for table row of type '${entityName}'. ${INFOLOG_MARKER}${infolog}`,
        type: SCM_WRITE_EXCEPTION_TYPE,
        stacktrace: "",
      },
    },
  };
}

/**
 * The infolog of an error body, entry by entry, each `validateField failed` marker turned into the
 * field of the messages before it (since the previous marker). Warnings and infos are kept; the
 * caller decides what blocks. An error body without an infolog gives its message as one entry.
 */
export function parseScmErrorBody(body: unknown): ScmInfologEntry[] {
  const error = record(record(body)?.error);
  const inner = record(error?.innererror);
  const innerMessage = typeof inner?.message === "string" ? inner.message : undefined;
  const outerMessage = typeof error?.message === "string" ? error.message : typeof body === "string" ? body : undefined;
  const text = innerMessage ?? outerMessage;
  if (text === undefined || text.trim() === "") return [];
  const at = text.indexOf(INFOLOG_MARKER);
  if (at === -1) return [{ level: "Error", message: text.trim() }];
  const entries: ScmInfologEntry[] = [];
  let pending: ScmInfologEntry[] = [];
  for (const raw of text.slice(at + INFOLOG_MARKER.length).split(ENTRY_SEPARATOR)) {
    const part = raw.trim();
    if (part === "") continue;
    const match = ENTRY.exec(part);
    const level = (match?.[1] ?? "Error") as ScmInfologEntry["level"];
    const message = (match?.[2] ?? part).trim();
    const marker = FIELD_MARKER.exec(message);
    if (marker?.[2] !== undefined) {
      const field = marker[2];
      entries.push(
        ...(pending.length > 0 ? pending.map((entry) => ({ ...entry, field })) : [{ level, message, field }]),
      );
      pending = [];
      continue;
    }
    pending.push({ level, message });
  }
  return [...entries, ...pending];
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
