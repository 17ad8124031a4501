/**
 * Bearer tokens on the validation API: a token is accepted only when its
 * signature verifies against the issuer's published keys with an accepted algorithm, and its
 * issuer, audience, expiry, not-before and subject are right. Every refusal is a 401 whose message
 * says what was wrong and whose `WWW-Authenticate` follows RFC 6750 §3.
 *
 * Beyond `bad-input.test.ts` (no token, not a JWT, expired, another audience, a key of another
 * issuer): the classic forgeries (alg none, HS256 keyed with the public key, an embedded key, a
 * tampered payload, a foreign key under the real `kid`) and each claim wrong or missing.
 */
import { createPublicKey } from "node:crypto";
import { type JWK, type JWTPayload, SignJWT, UnsecuredJWT, exportJWK, generateKeyPair } from "jose";
import {
  ADMIN,
  type Environment,
  type Reply,
  httpRequest,
  startEnvironment,
} from "@fsi/plugins/__tests__/support/environment";
import { errorOf } from "./support/requests";

let env: Environment;
let realKey: JWK;

beforeAll(async () => {
  env = await startEnvironment();
  const published = env.issuer.jwks.keys[0];
  if (published === undefined) throw new Error("the issuer publishes no key");
  realKey = published;
});

afterAll(async () => {
  await env.close();
});

const shipVia = {
  table: "msdyn_shipvia",
  operation: "create",
  company: "usmf",
  attributes: { msdyn_name: "AIR", msdyn_description: "Air freight" },
};

function validate(authorization: string): Promise<Reply> {
  return httpRequest(`${env.hostUrl}/plugins/validate`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization },
    body: JSON.stringify(shipVia),
  });
}

const now = () => Math.floor(Date.now() / 1000);
/** Everything right: the issuer, the audience, a subject, valid from now for five minutes. */
const rightClaims = (): JWTPayload => ({
  iss: env.issuer.issuer,
  aud: env.issuer.audience,
  tid: env.issuer.tenantId,
  scp: env.issuer.requiredScope,
  sub: ADMIN.id,
  iat: now(),
  nbf: now(),
  exp: now() + 300,
});
const without = (claim: string): JWTPayload =>
  Object.fromEntries(Object.entries(rightClaims()).filter(([name]) => name !== claim));
const signed = async (claims: JWTPayload) => `Bearer ${await env.issuer.signClaims(claims)}`;

async function attackerKeys() {
  const { publicKey, privateKey } = await generateKeyPair("ES256");
  return { publicJwk: await exportJWK(publicKey), privateKey };
}

/** A token of the right claims whose signature is replaced by the base64url of `signature`. */
function reencoded(header: Record<string, unknown>, claims: JWTPayload, signature: string): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part(header)}.${part(claims)}.${Buffer.from(signature).toString("base64url")}`;
}

const CHALLENGE = /^Bearer realm="fsi", error="invalid_token", error_description="[^"]+"$/;

type Case = readonly [string, () => Promise<string>, string, RegExp];

const forgeries: Case[] = [
  [
    "a token signed by another key under the real key's kid",
    async () => {
      const { privateKey } = await attackerKeys();
      return `Bearer ${await new SignJWT(rightClaims()).setProtectedHeader({ alg: "ES256", kid: String(realKey.kid), typ: "JWT" }).sign(privateKey)}`;
    },
    "TOKEN_REJECTED",
    /signature does not verify against the issuer's keys/,
  ],
  [
    "a genuine token whose payload was changed to another user",
    async () => {
      const [header, , signature] = (await env.issuer.signClaims(rightClaims())).split(".");
      const payload = Buffer.from(
        JSON.stringify({ ...rightClaims(), sub: "a0000000-0000-4000-8000-0000000000ee" }),
      ).toString("base64url");
      return `Bearer ${String(header)}.${payload}.${String(signature)}`;
    },
    "TOKEN_REJECTED",
    /signature does not verify/,
  ],
  [
    "an unsigned token (alg none)",
    async () => Promise.resolve(`Bearer ${new UnsecuredJWT(rightClaims()).encode()}`),
    "TOKEN_REJECTED",
    /algorithm this API does not accept/,
  ],
  [
    "alg none with a signature attached",
    () => Promise.resolve(`Bearer ${reencoded({ alg: "none", typ: "JWT" }, rightClaims(), "signature")}`),
    "TOKEN_REJECTED",
    /algorithm this API does not accept/,
  ],
  [
    "HS256 keyed with the issuer's public key as PEM",
    async () => {
      const pem = createPublicKey({ key: { ...realKey }, format: "jwk" })
        .export({ type: "spki", format: "pem" })
        .toString();
      return `Bearer ${await new SignJWT(rightClaims()).setProtectedHeader({ alg: "HS256", kid: String(realKey.kid), typ: "JWT" }).sign(new TextEncoder().encode(pem))}`;
    },
    "TOKEN_REJECTED",
    /algorithm this API does not accept/,
  ],
  [
    "HS256 keyed with the issuer's public JWK as JSON",
    async () =>
      `Bearer ${await new SignJWT(rightClaims()).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(new TextEncoder().encode(JSON.stringify(realKey)))}`,
    "TOKEN_REJECTED",
    /algorithm this API does not accept/,
  ],
  [
    "a token carrying its own verification key (embedded jwk header)",
    async () => {
      const { publicJwk, privateKey } = await attackerKeys();
      return `Bearer ${await new SignJWT(rightClaims()).setProtectedHeader({ alg: "ES256", jwk: publicJwk, typ: "JWT" }).sign(privateKey)}`;
    },
    "TOKEN_REJECTED",
    /signature does not verify/,
  ],
  [
    "a token pointing at the attacker's key set (jku header)",
    async () => {
      const { privateKey } = await attackerKeys();
      return `Bearer ${await new SignJWT(rightClaims()).setProtectedHeader({ alg: "ES256", jku: "https://attacker.example/jwks.json", typ: "JWT" }).sign(privateKey)}`;
    },
    "TOKEN_REJECTED",
    /signature does not verify/,
  ],
  [
    "an RS256 token signed by a foreign RSA key",
    async () => {
      const { privateKey } = await generateKeyPair("RS256");
      return `Bearer ${await new SignJWT(rightClaims()).setProtectedHeader({ alg: "RS256", typ: "JWT" }).sign(privateKey)}`;
    },
    "TOKEN_REJECTED",
    /signature does not verify/,
  ],
];

const wrongClaims: Case[] = [
  [
    "another issuer",
    () => signed({ ...rightClaims(), iss: "https://login.attacker.example/v2.0" }),
    "TOKEN_REJECTED",
    /"iss" claim is not accepted/,
  ],
  ["no issuer", () => signed(without("iss")), "TOKEN_REJECTED", /"iss" claim is not accepted/],
  [
    "an audience list without this API",
    () => signed({ ...rightClaims(), aud: ["api://other", "https://graph.microsoft.com"] }),
    "TOKEN_REJECTED",
    /"aud" claim is not accepted/,
  ],
  ["no audience", () => signed(without("aud")), "TOKEN_REJECTED", /"aud" claim is not accepted/],
  [
    "expired beyond the clock tolerance",
    () => signed({ ...rightClaims(), iat: now() - 600, nbf: now() - 600, exp: now() - 60 }),
    "TOKEN_EXPIRED",
    /has expired/,
  ],
  ["no expiry", () => signed(without("exp")), "TOKEN_REJECTED", /"exp" claim is not accepted/],
  [
    "not valid yet (nbf five minutes ahead)",
    () => signed({ ...rightClaims(), nbf: now() + 300, exp: now() + 600 }),
    "TOKEN_REJECTED",
    /"nbf" claim is not accepted/,
  ],
  ["no subject", () => signed(without("sub")), "TOKEN_REJECTED", /names no subject/],
  ["an empty subject", () => signed({ ...rightClaims(), sub: "" }), "TOKEN_REJECTED", /names no subject/],
];

const malformed: Case[] = [
  [
    "another scheme (Basic)",
    () => Promise.resolve(`Basic ${Buffer.from("dana:password").toString("base64")}`),
    "MISSING_TOKEN",
    /must be 'Bearer <token>'/,
  ],
  ["the scheme without a token", () => Promise.resolve("Bearer"), "MISSING_TOKEN", /must be 'Bearer <token>'/],
  [
    "two tokens",
    async () => `${await signed(rightClaims())} ${await env.issuer.signClaims(rightClaims())}`,
    "MISSING_TOKEN",
    /must be 'Bearer <token>'/,
  ],
  [
    "two segments",
    () => Promise.resolve("Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0"),
    "TOKEN_MALFORMED",
    /not a valid JWT/,
  ],
  [
    "a header that is not base64url JSON",
    () => Promise.resolve("Bearer %%%.eyJzdWIiOiJ4In0.c2ln"),
    "TOKEN_MALFORMED",
    /not a valid JWT/,
  ],
  [
    "an encrypted token's five segments",
    () => Promise.resolve("Bearer eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d"),
    "TOKEN_MALFORMED",
    /not a valid JWT/,
  ],
  [
    "an unknown critical header",
    () =>
      Promise.resolve(
        `Bearer ${reencoded({ alg: "ES256", kid: String(realKey.kid), crit: ["x-must-understand"], "x-must-understand": true }, rightClaims(), "signature")}`,
      ),
    "TOKEN_MALFORMED",
    /not a valid JWT/,
  ],
];

describe("the validation API's bearer token check", () => {
  it("accepts a token with every claim right (the cases below each break one thing)", async () => {
    const reply = await validate(await signed(rightClaims()));
    expect([reply.status, reply.json]).toEqual([200, { valid: true, errors: [], warnings: [] }]);
  });

  describe.each([
    ["forged", forgeries],
    ["wrong or missing claims", wrongClaims],
    ["malformed Authorization", malformed],
  ] as const)("%s", (_group, cases) => {
    it.each(cases)("401 for %s", async (_name, authorization, code, message) => {
      const reply = await validate(await authorization());
      expect([reply.status, errorOf(reply.json).code]).toEqual([401, code]);
      expect(errorOf(reply.json).message).toMatch(message);
      expect(reply.headers.get("www-authenticate")).toMatch(CHALLENGE);
    });
  });

  it("checks the token before it reads the request: an unauthenticated broken body is a 401, not a 400", async () => {
    const reply = await httpRequest(`${env.hostUrl}/plugins/validate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{ not json",
    });
    expect([reply.status, errorOf(reply.json).code]).toEqual([401, "MISSING_TOKEN"]);
    // RFC 6750 §3.1: no error code when the request carried no credentials at all.
    expect(reply.headers.get("www-authenticate")).toBe('Bearer realm="fsi"');
  });
});

describe("Entra ID v2.0 access tokens: tenant, scope and key rollover", () => {
  const INSUFFICIENT =
    /^Bearer realm="fsi", error="insufficient_scope", scope="Validate\.Records", error_description="[^"]+"$/;

  it("401 for a token of another tenant, though signed by a key the API trusts", async () => {
    const other = "0b0b0b0b-0000-4000-8000-000000000bad";
    const reply = await validate(await signed({ ...rightClaims(), tid: other }));
    expect([reply.status, errorOf(reply.json).code]).toEqual([401, "TOKEN_REJECTED"]);
    expect(errorOf(reply.json).message).toMatch(/"tid" claim is not accepted: it was issued for another tenant/);
    // The other tenant's issuer is refused first.
    const issued = await env.issuer.issueToken({ id: ADMIN.id }, { tenantId: other });
    const byIssuer = await validate(`Bearer ${issued.access_token}`);
    expect([byIssuer.status, errorOf(byIssuer.json).message]).toEqual([
      401,
      expect.stringMatching(/"iss" claim is not accepted/),
    ]);
  });

  it("401 for a token whose audience is the application ID URI rather than the API's client id (a v1.0 token)", async () => {
    const reply = await validate(
      `Bearer ${(await env.issuer.issueToken({ id: ADMIN.id }, { audience: "api://fsi-validation" })).access_token}`,
    );
    expect([reply.status, errorOf(reply.json).message]).toEqual([
      401,
      expect.stringMatching(/"aud" claim is not accepted/),
    ]);
  });

  it.each([
    ["another scope only", { scopes: ["User.Read"] }, /grants User\.Read only/],
    ["no scope (an app-only token)", { scopes: [] }, /carries no delegated scope/],
  ])("403 insufficient_scope for %s", async (_name, overrides, message) => {
    const reply = await validate(`Bearer ${(await env.issuer.issueToken({ id: ADMIN.id }, overrides)).access_token}`);
    expect([reply.status, errorOf(reply.json).code]).toEqual([403, "INSUFFICIENT_SCOPE"]);
    expect(errorOf(reply.json).message).toMatch(message);
    expect(reply.headers.get("www-authenticate")).toMatch(INSUFFICIENT);
  });

  it("accepts a token signed by a key the tenant rolled over to after the API cached its keys", async () => {
    const before = await validate(`Bearer ${(await env.issuer.issueToken({ id: ADMIN.id })).access_token}`);
    expect(before.status).toBe(200);
    await env.issuer.rotate();
    const after = await validate(`Bearer ${(await env.issuer.issueToken({ id: ADMIN.id })).access_token}`);
    expect([after.status, after.json]).toEqual([200, { valid: true, errors: [], warnings: [] }]);
  });
});
