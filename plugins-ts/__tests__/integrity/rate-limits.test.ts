/**
 * Request rates per caller on the routes a stranger can reach: the validation API (per signed-in
 * user; per client address while the token does not verify) and the sandbox's Entra token endpoint
 * (per client address). Over the limit: 429 with Retry-After, and other callers are not affected.
 */
import { Agent, request as httpsRequest } from "node:https";
import {
  ADMIN,
  ALLOWED_ORIGIN,
  type Environment,
  type Reply,
  httpRequest,
  startEnvironment,
} from "../support/environment";

let env: Environment;

beforeAll(async () => {
  env = await startEnvironment({ validationRateLimit: { requests: 3, perSeconds: 60 } });
});

afterAll(async () => {
  await env.close();
});

const validate = (token: string): Promise<Reply> =>
  httpRequest(`${env.hostUrl}/plugins/validate`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}`, origin: ALLOWED_ORIGIN },
    body: JSON.stringify({
      table: "msdyn_shipvia",
      operation: "create",
      company: "usmf",
      attributes: { msdyn_name: "AIR" },
    }),
  });

const code = (reply: Reply) => (reply.json as { error?: { code?: string } }).error?.code;

function expectTooMany(reply: Reply, windowSeconds: number): void {
  expect([reply.status, code(reply)]).toEqual([429, "TOO_MANY_REQUESTS"]);
  const retryAfter = Number(reply.headers.get("retry-after"));
  expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= windowSeconds).toBe(true);
}

describe("the validation API's rate limit", () => {
  it("answers a user 429 with Retry-After past the limit (readable by the form: CORS headers kept), and another user goes on", async () => {
    const dana = (await env.issuer.issueToken({ id: ADMIN.id })).access_token;
    const other = (await env.issuer.issueToken({ id: "a0000000-0000-4000-8000-0000000000aa" })).access_token;
    const replies = [];
    for (let index = 0; index < 4; index += 1) replies.push(await validate(dana));
    expect(replies.slice(0, 3).map((reply) => reply.status)).toEqual([200, 200, 200]);
    const over = replies[3];
    if (over === undefined) throw new Error("no fourth reply");
    expectTooMany(over, 60);
    expect(over.headers.get("access-control-allow-origin")).toBe(ALLOWED_ORIGIN);
    expect((await validate(other)).status).toBe(200);
  });

  it("counts requests with a token that does not verify by client address", async () => {
    const statuses = [];
    for (let index = 0; index < 4; index += 1) statuses.push(await validate("not-a-jwt"));
    expect(statuses.slice(0, 3).map((reply) => [reply.status, code(reply)])).toEqual([
      [401, "TOKEN_MALFORMED"],
      [401, "TOKEN_MALFORMED"],
      [401, "TOKEN_MALFORMED"],
    ]);
    const over = statuses[3];
    if (over === undefined) throw new Error("no fourth reply");
    expectTooMany(over, 60);
  });
});

describe("the sandbox's Entra token endpoint's rate limit", () => {
  it("answers 60 token requests a minute from one client, then 429 with Retry-After", async () => {
    const agent = new Agent({ ca: env.entra.tlsCertificate.certificatePem });
    const post = () =>
      new Promise<{ status: number; retryAfter: string | undefined }>((resolve, reject) => {
        const sent = httpsRequest(
          env.entra.tokenEndpoint,
          { method: "POST", agent, headers: { "content-type": "application/x-www-form-urlencoded" } },
          (response) => {
            response.resume();
            resolve({ status: response.statusCode ?? 0, retryAfter: response.headers["retry-after"] });
          },
        );
        sent.on("error", reject);
        sent.end("grant_type=client_credentials&client_id=unknown&client_secret=x&scope=https%3A%2F%2Fx%2F.default");
      });
    const statuses: number[] = [];
    for (let index = 0; index < 60; index += 1) statuses.push((await post()).status);
    expect(new Set(statuses)).toEqual(new Set([401]));
    const over = await post();
    expect(over.status).toBe(429);
    expect(Number(over.retryAfter)).toBeGreaterThan(0);
  });
});
