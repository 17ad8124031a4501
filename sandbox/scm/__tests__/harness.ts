/**
 * Test harness: the SCM emulator on a real HTTP server (port 0), and event subscribers that are
 * real HTTP servers too.
 */
import { type IncomingMessage, type Server, createServer } from "node:http";
import { type ScmBusinessEvent, scmBusinessEventSchema } from "../../../core";
import { closeServer, listen, readJson, sendJson } from "../../http";
import { type ScmEmulator, type ScmEmulatorOptions, createScmEmulator } from "..";

export interface RunningScm {
  readonly url: string;
  readonly scm: ScmEmulator;
  readonly close: () => Promise<void>;
}

export async function startScm(options: ScmEmulatorOptions = {}): Promise<RunningScm> {
  const scm = createScmEmulator({ seed: true, retry: { baseDelayMs: 5, maxDelayMs: 40, timeoutMs: 2000 }, syncTimeoutMs: 2000, ...options });
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
  return { status: response.status, body: (text === "" ? undefined : JSON.parse(text)) as T, headers: response.headers };
}

export interface ODataError {
  error: {
    code: string;
    message: string;
    info?: Record<string, unknown>;
    details?: { code: string; target: string; message: string }[];
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

export interface Subscriber {
  readonly url: string;
  /** Every delivery attempt, in arrival order. */
  readonly attempts: ScmBusinessEvent[];
  /** Events answered with a 2xx. */
  readonly accepted: ScmBusinessEvent[];
  readonly close: () => Promise<void>;
}

/**
 * A subscriber that validates each event against the contract schema and answers with the status
 * `respond` returns (it may first do async work, e.g. read SCM back).
 */
export async function startSubscriber(
  respond: (event: ScmBusinessEvent, attempt: number) => number | Promise<number> = () => 200,
): Promise<Subscriber> {
  const attempts: ScmBusinessEvent[] = [];
  const accepted: ScmBusinessEvent[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    void (async () => {
      const event = scmBusinessEventSchema.parse(await readJson(req));
      attempts.push(event);
      const status = await respond(event, attempts.filter((attempt) => attempt.EventId === event.EventId).length);
      if (status >= 200 && status < 300) accepted.push(event);
      sendJson(res, status, status >= 400 ? { error: { message: `subscriber refused event ${event.ControlNumber}` } } : {});
    })();
  });
  const url = await listen(server, 0);
  return {
    url: `${url}/events`,
    attempts,
    accepted,
    close: () => closeServer(server),
  };
}
