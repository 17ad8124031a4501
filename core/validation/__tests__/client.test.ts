import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { callValidationApi, TokenUnavailable, type TokenSource } from "../client";
import type { ValidationRequest } from "../contract";

const request: ValidationRequest = { table: "msdyn_warehouse", operation: "create", company: "usmf", attributes: {} };

/** A validation API on port 0 that accepts only the tokens in `accepted` and records what it was sent. */
function api(
  accepted: readonly string[],
  reply: (res: ServerResponse) => void = (res) => {
    json(res, 200, { valid: true, errors: [], warnings: [] });
  },
) {
  const seen: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on("end", () => {
      const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
      seen.push(token);
      if (!accepted.includes(token)) json(res, 401, { error: "invalid token" });
      else reply(res);
    });
  });
  return { server, seen };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/validate`;
}

/** Hands out `cached` until asked past the cache, then `fresh`. */
function tokens(cached: string, fresh: string): { source: TokenSource; calls: boolean[] } {
  const calls: boolean[] = [];
  return {
    calls,
    source: ({ forceRefresh }) => {
      calls.push(forceRefresh);
      return Promise.resolve(forceRefresh ? fresh : cached);
    },
  };
}

describe("the validation API client", () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  async function start(accepted: readonly string[], reply?: (res: ServerResponse) => void) {
    const { server, seen } = api(accepted, reply);
    servers.push(server);
    return { url: await listen(server), seen };
  }

  it("on a 401 asks for a token past the cache and calls once more", async () => {
    const { url, seen } = await start(["fresh"]);
    const token = tokens("revoked", "fresh");
    const outcome = await callValidationApi({
      url,
      request,
      token: token.source,
      signal: new AbortController().signal,
    });
    expect(outcome).toEqual({ kind: "checked", response: { valid: true, errors: [], warnings: [] } });
    expect(token.calls).toEqual([false, true]);
    expect(seen).toEqual(["revoked", "fresh"]);
  });

  it("retries a 401 once only: a second 401 is unauthorized", async () => {
    const { url, seen } = await start([]);
    const outcome = await callValidationApi({
      url,
      request,
      token: tokens("a", "b").source,
      signal: new AbortController().signal,
    });
    expect(outcome).toMatchObject({
      kind: "unchecked",
      reason: "unauthorized",
      detail: expect.stringContaining("HTTP 401") as string,
    });
    expect(seen).toEqual(["a", "b"]);
  });

  it("does not retry a 403: the token is valid, the user lacks the right", async () => {
    const { url, seen } = await start(["a"], (res) => {
      json(res, 403, { error: "forbidden" });
    });
    const outcome = await callValidationApi({
      url,
      request,
      token: tokens("a", "b").source,
      signal: new AbortController().signal,
    });
    expect(outcome).toMatchObject({ kind: "unchecked", reason: "unauthorized" });
    expect(seen).toEqual(["a"]);
  });

  it("sorts SCM's absence, a refusal and an unreadable reply", async () => {
    const signal = new AbortController().signal;
    const source = tokens("a", "a").source;
    const down = await start(["a"], (res) => {
      json(res, 503, { error: "SCM did not answer" });
    });
    expect(await callValidationApi({ url: down.url, request, token: source, signal })).toMatchObject({
      reason: "scmUnavailable",
    });
    const onlyUnavailable = await start(["a"], (res) => {
      json(res, 200, { valid: false, errors: [{ code: "scmUnavailable", message: "SCM is down." }], warnings: [] });
    });
    expect(await callValidationApi({ url: onlyUnavailable.url, request, token: source, signal })).toEqual({
      kind: "unchecked",
      reason: "scmUnavailable",
      detail: "SCM is down.",
    });
    const refused = await start(["a"], (res) => {
      json(res, 400, { error: "attributes.msdyn_name: too long" });
    });
    expect(await callValidationApi({ url: refused.url, request, token: source, signal })).toMatchObject({
      reason: "refused",
      detail: 'HTTP 400 {"error":"attributes.msdyn_name: too long"}',
    });
    const odd = await start(["a"], (res) => {
      json(res, 200, { valid: "yes" });
    });
    expect(await callValidationApi({ url: odd.url, request, token: source, signal })).toMatchObject({
      reason: "badReply",
    });
  });

  it("says why there is no token, and stops at the deadline", async () => {
    const { url, seen } = await start(["a"]);
    const noToken: TokenSource = () => Promise.reject(new TokenUnavailable("signInRequired", "Sign-in is needed."));
    expect(await callValidationApi({ url, request, token: noToken, signal: new AbortController().signal })).toEqual({
      kind: "unchecked",
      reason: "signInRequired",
      detail: "Sign-in is needed.",
    });
    const controller = new AbortController();
    const never: TokenSource = () => {
      controller.abort();
      return new Promise<string>(() => undefined);
    };
    expect(await callValidationApi({ url, request, token: never, signal: controller.signal })).toMatchObject({
      reason: "timeout",
    });
    expect(seen).toEqual([]);
  });
});
