/**
 * Test helpers: the emulator on port 0, a plain-fetch Web API client, tiny webhook receivers on
 * port 0 that record what Dataverse posts and answer as each test tells them, and seed rows.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { closeServer, listen } from "../../http";
import { startDataverseServer, type DataverseEmulatorOptions, type DataverseServer } from "..";

export const TOKEN = "test-token";

export interface ApiReply {
  readonly status: number;
  readonly headers: Headers;
  readonly json: Record<string, unknown> & {
    error?: { code: string; message: string };
    value?: Record<string, unknown>[];
  };
  readonly text: string;
}

export interface TestApi {
  readonly server: DataverseServer;
  call(path: string, init?: { method?: string; body?: unknown; headers?: Record<string, string> }): Promise<ApiReply>;
  close(): Promise<void>;
}

export async function startApi(options: DataverseEmulatorOptions = {}): Promise<TestApi> {
  const server = await startDataverseServer(options);
  return {
    server,
    async call(path, init = {}) {
      const headers: Record<string, string> = {
        authorization: `Bearer ${TOKEN}`,
        accept: "application/json",
        ...init.headers,
      };
      let body: string | undefined;
      if (init.body !== undefined) {
        body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
        headers["content-type"] ??= "application/json";
      }
      const response = await fetch(`${server.apiUrl}${path}`, {
        method: init.method ?? (body === undefined ? "GET" : "POST"),
        headers,
        body,
      });
      const text = await response.text();
      let json: ApiReply["json"] = {};
      if (text.startsWith("{")) json = JSON.parse(text) as ApiReply["json"];
      return { status: response.status, headers: response.headers, json, text };
    },
    close: () => server.close(),
  };
}

/** The id at the end of an OData-EntityId header. */
export function entityIdOf(reply: ApiReply): string {
  const header = reply.headers.get("odata-entityid") ?? "";
  const id = /\(([0-9a-f-]{36})\)$/.exec(header)?.[1];
  if (id === undefined) throw new Error(`No OData-EntityId in a ${reply.status} reply: ${reply.text}`);
  return id;
}

export async function createCompany(api: TestApi, code = "usmf"): Promise<string> {
  const reply = await api.call("cdm_companies", { body: { cdm_name: code.toUpperCase(), cdm_companycode: code } });
  return entityIdOf(reply);
}

export async function createWarehouse(
  api: TestApi,
  companyId: string,
  identifier: string,
  extra: Record<string, unknown> = {},
): Promise<ApiReply> {
  return api.call("msdyn_warehouses", {
    body: {
      msdyn_name: `Warehouse ${identifier}`,
      msdyn_warehouseidentifier: identifier,
      "msdyn_company@odata.bind": `/cdm_companies(${companyId})`,
      ...extra,
    },
  });
}

export interface ReceivedCall {
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

export type WebhookAnswer = (call: ReceivedCall) => Promise<number | "hang"> | number | "hang";

/** A webhook receiver: records each POST and answers with the status `answer` returns. */
export interface Receiver {
  readonly url: string;
  readonly calls: ReceivedCall[];
  answer: WebhookAnswer;
  close(): Promise<void>;
}

export async function startReceiver(answer: WebhookAnswer = () => 200): Promise<Receiver> {
  const hanging: (() => void)[] = [];
  const receiver: { calls: ReceivedCall[]; answer: WebhookAnswer } = { calls: [], answer };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://receiver");
      const call: ReceivedCall = {
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>,
      };
      receiver.calls.push(call);
      void Promise.resolve(receiver.answer(call)).then((status) => {
        if (status === "hang") {
          hanging.push(() => res.destroy());
          return;
        }
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify({ note: "Dataverse never reads this body" }));
      });
    });
  });
  const url = await listen(server, 0);
  return {
    url: `${url}/hook`,
    get calls() {
      return receiver.calls;
    },
    get answer() {
      return receiver.answer;
    },
    set answer(next: WebhookAnswer) {
      receiver.answer = next;
    },
    async close() {
      for (const release of hanging) release();
      // A receiver may still hold a connection the emulator abandoned on timeout; drop them all.
      const closed = closeServer(server);
      server.closeAllConnections();
      await closed;
    },
  };
}

/** A value of a `{key, value}` collection of an execution context. */
export function valueOf(collection: unknown, key: string): unknown {
  return (collection as { key: string; value: unknown }[]).find((entry) => entry.key === key)?.value;
}
