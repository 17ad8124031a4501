/**
 * The sandbox's Entra ID over https, driven as MSAL.js drives it but over plain HTTP: discovery,
 * the authorization code flow with PKCE and a session, the token endpoint's grants and refusals,
 * refresh tokens, App Service's managed identity endpoint, and signing key rollover.
 */
import { createHash, randomBytes } from "node:crypto";
import { Agent, request } from "node:https";
import { createRemoteJWKSet, decodeJwt, jwtVerify } from "jose";
import {
  type EntraEmulator,
  SANDBOX_SPA_CLIENT_ID,
  SANDBOX_VALIDATION_SCOPE,
  sandboxDirectory,
  startEntraEmulator,
} from "..";

const ORG = "https://contoso.crm.dynamics.com";
const REDIRECT = `${ORG}/WebResources/fsi_/auth/redirect.html`;
const DANA = { id: "a0000000-0000-4000-8000-000000000001", fullname: "Dana Admin", domainname: "dana@contoso.test" };

let entra: EntraEmulator;
let agent: Agent;

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  json(): Record<string, unknown>;
}

function call(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const sent = request(url, { method: init.method ?? "GET", agent, headers: init.headers ?? {} }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          text,
          json: () => JSON.parse(text) as Record<string, unknown>,
        });
      });
    });
    sent.on("error", reject);
    sent.end(init.body);
  });
}

const form = (values: Record<string, string>) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded", origin: ORG },
  body: new URLSearchParams(values).toString(),
});

function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

function authorizeQuery(extra: Record<string, string> = {}): URLSearchParams {
  return new URLSearchParams({
    client_id: SANDBOX_SPA_CLIENT_ID,
    response_type: "code",
    redirect_uri: REDIRECT,
    scope: `${SANDBOX_VALIDATION_SCOPE} openid profile offline_access`,
    state: "s-1",
    nonce: "n-1",
    client_info: "1",
    ...extra,
  });
}

/** The response parameters the authorize endpoint put in the redirect URI's fragment. */
function fragmentOf(reply: Reply): URLSearchParams {
  const location = String(reply.headers.location ?? "");
  expect(location.startsWith(`${REDIRECT}#`)).toBe(true);
  return new URLSearchParams(location.slice(location.indexOf("#") + 1));
}

/** Signs Dana in on the sign-in page: the session cookie and a code. */
async function signIn(challenge: string): Promise<{ cookie: string; code: string }> {
  const reply = await call(
    `${entra.authority}/oauth2/v2.0/authorize`,
    form({
      user: DANA.id,
      request: authorizeQuery({ code_challenge: challenge, code_challenge_method: "S256" }).toString(),
    }),
  );
  expect(reply.status).toBe(302);
  const cookie = (reply.headers["set-cookie"]?.[0] ?? "").split(";")[0] ?? "";
  return { cookie, code: fragmentOf(reply).get("code") ?? "" };
}

/** Redeems a code as MSAL.js does, from the page's origin (`withOrigin: false`: as a server would). */
const redeem = (code: string, verifier: string | undefined, withOrigin = true) => {
  const request = form({
    grant_type: "authorization_code",
    client_id: SANDBOX_SPA_CLIENT_ID,
    code,
    redirect_uri: REDIRECT,
    ...(verifier === undefined ? {} : { code_verifier: verifier }),
    scope: SANDBOX_VALIDATION_SCOPE,
  });
  return call(
    `${entra.authority}/oauth2/v2.0/token`,
    withOrigin ? request : { ...request, headers: { "content-type": "application/x-www-form-urlencoded" } },
  );
};

beforeAll(async () => {
  entra = await startEntraEmulator({ directory: sandboxDirectory({ organizationUrl: ORG, users: [DANA] }) });
  agent = new Agent({ ca: entra.tlsCertificate.certificatePem });
});

afterAll(async () => {
  await entra.close();
});

describe("the sandbox's Entra ID", () => {
  it("serves https only, with the tenant's OpenID metadata and keys readable from any origin", async () => {
    expect(entra.authority.startsWith("https://")).toBe(true);
    const metadata = await call(`${entra.authority}/v2.0/.well-known/openid-configuration`, {
      headers: { origin: ORG },
    });
    expect(metadata.headers["access-control-allow-origin"]).toBe("*");
    expect(metadata.json()).toMatchObject({
      issuer: `${entra.authority}/v2.0`,
      authorization_endpoint: `${entra.authority}/oauth2/v2.0/authorize`,
      token_endpoint: `${entra.authority}/oauth2/v2.0/token`,
      jwks_uri: `${entra.authority}/discovery/v2.0/keys`,
      id_token_signing_alg_values_supported: ["RS256"],
    });
    const keys = (await call(entra.jwksUri)).json() as { keys: { kty: string; kid: string; alg: string }[] };
    expect(keys.keys.map((key) => [key.kty, key.alg])).toEqual([["RSA", "RS256"]]);
  });

  it("an unknown tenant is AADSTS90002", async () => {
    const reply = await call(
      `${entra.authorityHost}/0b0b0b0b-0000-4000-8000-000000000bad/v2.0/.well-known/openid-configuration`,
    );
    expect([reply.status, reply.json().error_description]).toEqual([
      400,
      expect.stringMatching(/^AADSTS90002: Tenant/),
    ]);
  });

  it("authorization code with PKCE: sign-in page, code in the fragment, tokens for the SPA redeemed cross-origin", async () => {
    const page = await call(
      `${entra.authority}/oauth2/v2.0/authorize?${authorizeQuery({ login_hint: DANA.domainname }).toString()}`,
    );
    expect([page.status, page.text]).toEqual([
      200,
      expect.stringContaining("Sign in as Dana Admin (dana@contoso.test)"),
    ]);

    const { verifier, challenge } = pkce();
    const { code, cookie } = await signIn(challenge);
    expect(cookie).toMatch(/^fsi-entra-session=/);
    const tokens = await redeem(code, verifier);
    expect([tokens.status, tokens.headers["access-control-allow-origin"], tokens.headers["cache-control"]]).toEqual([
      200,
      ORG,
      "no-store",
    ]);
    const body = tokens.json() as {
      access_token: string;
      id_token: string;
      refresh_token: string;
      client_info: string;
      scope: string;
    };
    const keys = createRemoteJWKSet(new URL(entra.jwksUri), { agent });
    const access = (
      await jwtVerify(body.access_token, keys, { issuer: entra.issuer, audience: entra.directory.api.clientId })
    ).payload;
    expect(access).toMatchObject({
      tid: entra.directory.tenantId,
      oid: DANA.id,
      scp: "Validate.Records",
      azp: SANDBOX_SPA_CLIENT_ID,
      preferred_username: DANA.domainname,
      ver: "2.0",
    });
    expect(access.sub).not.toBe(DANA.id);
    expect(decodeJwt(body.id_token)).toMatchObject({ aud: SANDBOX_SPA_CLIENT_ID, nonce: "n-1", oid: DANA.id });
    expect(JSON.parse(Buffer.from(body.client_info, "base64url").toString("utf8"))).toEqual({
      uid: DANA.id,
      utid: entra.directory.tenantId,
    });

    const again = await redeem(code, verifier);
    expect([again.status, again.json().error, again.json().error_description]).toEqual([
      400,
      "invalid_grant",
      expect.stringMatching(/^AADSTS54005/),
    ]);

    // The same refresh token redeemed twice: the first use rotates it, the second is refused.
    const redeemRefreshToken = () =>
      call(
        `${entra.authority}/oauth2/v2.0/token`,
        form({
          grant_type: "refresh_token",
          client_id: SANDBOX_SPA_CLIENT_ID,
          refresh_token: body.refresh_token,
          scope: SANDBOX_VALIDATION_SCOPE,
        }),
      );
    const refreshed = await redeemRefreshToken();
    expect(refreshed.status).toBe(200);
    expect(refreshed.json().refresh_token).not.toBe(body.refresh_token);
    const replayed = await redeemRefreshToken();
    expect([replayed.status, replayed.json().error]).toEqual([400, "invalid_grant"]);

    // With the session, prompt=none answers with a code; without it, login_required.
    const silent = await call(
      `${entra.authority}/oauth2/v2.0/authorize?${authorizeQuery({ prompt: "none", login_hint: DANA.domainname }).toString()}`,
      { headers: { cookie } },
    );
    expect(fragmentOf(silent).get("code")).toBeTruthy();
    const noSession = await call(
      `${entra.authority}/oauth2/v2.0/authorize?${authorizeQuery({ prompt: "none" }).toString()}`,
    );
    expect([fragmentOf(noSession).get("error"), fragmentOf(noSession).get("state")]).toEqual(["login_required", "s-1"]);
  });

  it("refuses a code it never issued", async () => {
    const reply = await redeem("not-a-code", "x");
    expect([reply.status, reply.json().error, reply.json().error_description]).toEqual([
      400,
      "invalid_grant",
      expect.stringMatching(/^AADSTS70000/),
    ]);
  });

  it("checks PKCE and the cross-origin redemption an SPA's code requires", async () => {
    const { challenge } = pkce();
    const mismatch = await redeem((await signIn(challenge)).code, pkce().verifier);
    expect(mismatch.json().error_description).toMatch(/^AADSTS501481/);
    const sameOrigin = await redeem((await signIn(challenge)).code, "x", false);
    expect(sameOrigin.json().error_description).toMatch(/^AADSTS9002327/);
    const withoutChallenge = await call(
      `${entra.authority}/oauth2/v2.0/authorize`,
      form({ user: DANA.id, request: authorizeQuery().toString() }),
    );
    const noPkce = await redeem(fragmentOf(withoutChallenge).get("code") ?? "", undefined);
    expect(noPkce.json().error_description).toMatch(/^AADSTS9002325/);
  });

  it("shows an error page, never a redirect, for a redirect URI the app does not have, and redirects invalid_scope", async () => {
    const foreign = await call(
      `${entra.authority}/oauth2/v2.0/authorize?${authorizeQuery({ redirect_uri: "https://evil.example/cb" }).toString()}`,
    );
    expect([foreign.status, foreign.headers.location, foreign.text]).toEqual([
      400,
      undefined,
      expect.stringContaining("AADSTS50011"),
    ]);
    const scope = await call(
      `${entra.authority}/oauth2/v2.0/authorize?${authorizeQuery({ scope: "api://fsi-validation/Delete.Everything openid" }).toString()}`,
    );
    expect(fragmentOf(scope).get("error")).toBe("invalid_scope");
  });

  it("App Service's managed identity endpoint wants its header and a known resource", async () => {
    const identity = entra.directory.managedIdentity;
    const url = `${entra.managedIdentityEndpoint}?api-version=2019-08-01&resource=${encodeURIComponent(ORG)}`;
    expect((await fetch(url)).status).toBe(401);
    const reply = await fetch(url, { headers: { "x-identity-header": identity?.identityHeader ?? "" } });
    const body = (await reply.json()) as { access_token: string; expires_on: string; resource: string };
    expect([reply.status, body.resource, Number(body.expires_on) > Date.now() / 1000]).toEqual([200, ORG, true]);
    expect(decodeJwt(body.access_token)).toMatchObject({ aud: ORG, oid: identity?.principalId });
  });

  it("rolls its signing key over: new tokens are signed with a new kid, and the previous key stays published", async () => {
    const before = entra.keys.jwks().keys.map((key) => key.kid);
    await entra.keys.rotate();
    const after = entra.keys.jwks().keys.map((key) => key.kid);
    expect(after.slice(1)).toEqual(before);
    const { verifier, challenge } = pkce();
    const tokens = (await redeem((await signIn(challenge)).code, verifier)).json() as { access_token: string };
    const header = JSON.parse(Buffer.from(tokens.access_token.split(".")[0] ?? "", "base64url").toString("utf8")) as {
      kid: string;
    };
    expect(header.kid).toBe(after[0]);
  });
});
