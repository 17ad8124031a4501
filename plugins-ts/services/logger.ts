/**
 * A structured logger: one JSON line per event, carrying the correlation id of the execution so a
 * webhook call, the SCM calls it made and the Dataverse system job can be lined up.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";

export type LogFields = Readonly<Record<string, unknown>>;

export interface LogEntry extends LogFields {
  readonly time: string;
  readonly level: LogLevel;
  readonly message: string;
}

export type LogSink = (entry: LogEntry) => void;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose entries all carry `fields` (`{ correlationId }`). */
  child(fields: LogFields): Logger;
}

const LEVELS: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

export const stdoutSink: LogSink = (entry) => {
  process.stdout.write(`${JSON.stringify(entry)}\n`);
};

export function createLogger(sink: LogSink = stdoutSink, minimum: LogLevel = "info", base: LogFields = {}): Logger {
  const log = (level: LogLevel, message: string, fields: LogFields = {}) => {
    if (LEVELS[level] < LEVELS[minimum]) return;
    // The message and level last: a field named like them cannot hide them.
    sink({ time: new Date().toISOString(), ...base, ...fields, level, message });
  };
  return {
    debug: (message, fields) => {
      log("debug", message, fields);
    },
    info: (message, fields) => {
      log("info", message, fields);
    },
    warn: (message, fields) => {
      log("warn", message, fields);
    },
    error: (message, fields) => {
      log("error", message, fields);
    },
    child: (fields) => createLogger(sink, minimum, { ...base, ...fields }),
  };
}

/** Keeps entries in memory (tests, and the host's recent-log view). */
export function memorySink(): LogSink & { readonly entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const sink = (entry: LogEntry) => {
    entries.push(entry);
  };
  return Object.assign(sink, { entries });
}
