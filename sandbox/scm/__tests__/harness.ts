/**
 * Test harness: the SCM emulator on a real HTTP server (port 0), and data event endpoints that are
 * real HTTP servers too.
 */
import { type IncomingHttpHeaders, type IncomingMessage, type Server, createServer } from "node:http";
import {
  type ParsedRemoteExecutionContext,
  remoteExecutionContextSchema,
} from "@fsi/plugins/context/remote-execution-context-schema";
import { parseScmErrorBody } from "@fsi/core";
import { closeServer, listen, readJson, sendJson } from "../../http";
import { type ScmEmulator, type ScmEmulatorOptions, createScmEmulator } from "..";

export interface RunningScm {
  readonly url: string;
  readonly scm: ScmEmulator;
  readonly close: () => Promise<void>;
}

export async function startScm(options: ScmEmulatorOptions = {}): Promise<RunningScm> {
  const scm = createScmEmulator({ seed: true, retry: { baseDelayMs: 5, maxDelayMs: 40, timeoutMs: 2000 }, ...options });
  const server = createServer((req, res) => {
    void scm.handle(req, res);
  });
  const url = await listen(server, 0);
  return {
    url,
    scm,
    close: async () => {
      await closeServer(server);
      await scm.close();
    },
  };
}

export interface JsonReply<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export async function call<T = unknown>(
  url: string,
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonReply<T>> {
  const response = await fetch(url, {
    method,
    headers: { "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text === "" ? undefined : JSON.parse(text)) as T,
    headers: response.headers,
  };
}

export interface ODataError {
  error: {
    code: string;
    message: string;
    info?: Record<string, unknown>;
    innererror: { message: string; type: string };
  };
}

export interface Collection<T = Record<string, unknown>> {
  "@odata.context": string;
  "@odata.count"?: number;
  "@odata.nextLink"?: string;
  value: T[];
}

/** Polls until `check` returns a value (not undefined); fails after `timeoutMs` with `what`. */
export async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A data event as an endpoint received it: the parsed RemoteExecutionContext, its raw JSON and headers. */
export interface ReceivedEvent {
  readonly context: ParsedRemoteExecutionContext;
  readonly raw: Record<string, unknown>;
  readonly headers: IncomingHttpHeaders;
}

export interface Subscriber {
  readonly url: string;
  /** Every delivery attempt, in arrival order. */
  readonly attempts: ReceivedEvent[];
  /** Events answered with a 2xx. */
  readonly accepted: ReceivedEvent[];
  readonly close: () => Promise<void>;
}

/** The `mserp_` attributes of an event's Target, as a record. */
export function targetAttributes(event: ReceivedEvent): Record<string, unknown> {
  const target = event.context.InputParameters?.Target;
  return typeof target === "object" && target !== null && "kind" in target && target.kind === "Entity"
    ? { ...target.attributes }
    : {};
}

/**
 * A data event endpoint that checks each body against the RemoteExecutionContext schema and
 * answers with the status `respond` returns (it may first do async work, e.g. read SCM back).
 */
export async function startSubscriber(
  respond: (event: ReceivedEvent, attempt: number) => number | Promise<number> = () => 200,
): Promise<Subscriber> {
  const attempts: ReceivedEvent[] = [];
  const accepted: ReceivedEvent[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    void (async () => {
      const raw = (await readJson(req)) as Record<string, unknown>;
      const event: ReceivedEvent = { context: remoteExecutionContextSchema.parse(raw), raw, headers: req.headers };
      attempts.push(event);
      const status = await respond(
        event,
        attempts.filter((attempt) => attempt.context.RequestId === event.context.RequestId).length,
      );
      if (status >= 200 && status < 300) accepted.push(event);
      sendJson(
        res,
        status,
        status >= 400 ? { error: { message: `endpoint refused ${event.context.MessageName}` } } : {},
      );
    })();
  });
  const url = await listen(server, 0);
  return { url: `${url}/events`, attempts, accepted, close: () => closeServer(server) };
}

/** The field errors of an F&O write error body, read from its infolog as a client must (core/scm/odata-errors.ts). */
export function fieldErrorsOf(body: unknown): { target: string; message: string }[] {
  return parseScmErrorBody(body).map((entry) => ({ target: entry.field ?? "", message: entry.message }));
}
