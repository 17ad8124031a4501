/**
 * A local stand-in for Microsoft Entra ID, served over https (MSAL refuses an authority that is not
 * https: `authority_uri_insecure`, msal-common `src/url/UrlString.ts`). It speaks the endpoints MSAL.js
 * and @azure/identity use, for one tenant (ENTRA `identity-platform/v2-oauth2-auth-code-flow.md`,
 * `v2-oauth2-client-creds-grant-flow.md`, `v2-protocols-oidc.md`, `certificate-credentials.md`):
 * - `GET /<tenant>/v2.0/.well-known/openid-configuration` and `GET /<tenant>/discovery/v2.0/keys`;
 * - `GET|POST /<tenant>/oauth2/v2.0/authorize`: the authorization code flow with PKCE, a sign-in
 *   page and a session cookie, `prompt=none` answered silently or with `login_required`;
 * - `POST /<tenant>/oauth2/v2.0/token`: `authorization_code` (PKCE checked; SPA codes redeemed
 *   cross-origin only, with CORS), `refresh_token`, `client_credentials` with a secret or a
 *   certificate's client assertion;
 * - `GET /<tenant>/oauth2/v2.0/logout`;
 * - `GET /msi/token`: App Service's managed identity endpoint (api-version 2019-08-01), on plain http
 *   and a port of its own, as App Service serves it to the app on the same machine.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { decodeProtectedHeader, importX509, jwtVerify } from "jose";
import { CallerRateLimiter, type RateLimit } from "@fsi/plugins/http-kit";
import { Router, readBody, sendJson } from "../../http";
import { type SelfSignedCertificate, createSelfSignedCertificate, describeCertificate } from "./certificate";
import {
  type ClientRegistration,
  type DirectoryUser,
  type EntraDirectory,
  findClient,
  findUser,
  resourceOf,
} from "./directory";
import { OAuthError, aadsts, invalidClient, invalidGrant, invalidRequest } from "./protocol-errors";
import { errorPage, signInPage } from "./sign-in-page";
import { type SigningKeys, createSigningKeys } from "./signing-keys";
import { type TokenMinter, clientInfo, createTokenMinter } from "./tokens";

export interface EntraEmulatorOptions {
  readonly directory: EntraDirectory;
  readonly port?: number;
  readonly host?: string;
  /** The TLS certificate; default a new self-signed one for 127.0.0.1 and localhost. */
  readonly tlsCertificate?: SelfSignedCertificate;
  /** Access token lifetime; default an hour (Entra ID's are 60–90 minutes). Short ones show refreshing. */
  readonly accessTokenLifetimeSeconds?: number;
  /** Token requests per client address; over it, 429 with Retry-After. Default 60 per 60 s. */
  readonly tokenRateLimit?: RateLimit;
}

/**
 * Entra ID throttles token requests with 429 and Retry-After. **Unconfirmed**: its limits and the
 * reply's body; the emulator's limit per client address is this one constant.
 */
export const DEFAULT_TOKEN_RATE_LIMIT: RateLimit = { requests: 60, perSeconds: 60 };

export interface EntraEmulator {
  /** `https://127.0.0.1:<port>`: what MSAL calls the authority host. */
  readonly authorityHost: string;
  /** `<authorityHost>/<tenant id>`: the authority MSAL is configured with. */
  readonly authority: string;
  /** `<authority>/v2.0`: the `iss` of every token. */
  readonly issuer: string;
  readonly jwksUri: string;
  readonly tokenEndpoint: string;
  /** App Service's IDENTITY_ENDPOINT. */
  readonly managedIdentityEndpoint: string;
  readonly tlsCertificate: SelfSignedCertificate;
  readonly directory: EntraDirectory;
  readonly keys: SigningKeys;
  readonly tokens: TokenMinter;
  /** Every token the tenant issued, in order: which grant, for which client (what tests count). */
  readonly issued: { readonly grant: string; readonly clientId: string }[];
  close(): Promise<void>;
}

/** Authorization codes are short-lived, about 10 minutes (v2-oauth2-auth-code-flow.md). */
const CODE_LIFETIME_MS = 10 * 60_000;
/** Refresh tokens issued to SPAs are valid for 24 hours (refresh-tokens.md). */
const SPA_REFRESH_TOKEN_LIFETIME_MS = 24 * 3_600_000;
const SESSION_COOKIE = "fsi-entra-session";
const OIDC_SCOPES = new Set(["openid", "profile", "email", "offline_access"]);
const CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

interface IssuedCode {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly user: DirectoryUser;
  readonly scopes: readonly string[];
  readonly codeChallenge: string | undefined;
  readonly nonce: string | undefined;
  readonly expiresAt: number;
  used: boolean;
}

interface IssuedRefreshToken {
  readonly clientId: string;
  readonly user: DirectoryUser;
  readonly expiresAt: number;
}

function cookies(req: IncomingMessage): Map<string, string> {
  const found = new Map<string, string>();
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name !== undefined && name !== "") found.set(name, value.join("="));
  }
  return found;
}

function sendHtml(res: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", ...headers });
  res.end(html);
}

function redirect(res: ServerResponse, location: string, headers: Record<string, string> = {}): void {
  res.writeHead(302, { location, "cache-control": "no-store", ...headers });
  res.end();
}

const s256 = (verifier: string) => createHash("sha256").update(verifier).digest("base64url");
const servicePrincipalId = (clientId: string) => {
  const hex = createHash("sha256").update(`sp|${clientId}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

export async function startEntraEmulator(options: EntraEmulatorOptions): Promise<EntraEmulator> {
  const { directory } = options;
  const tls =
    options.tlsCertificate ??
    (await createSelfSignedCertificate({ commonName: "127.0.0.1", altNames: ["IP:127.0.0.1", "DNS:localhost"] }));
  const keys = await createSigningKeys();
  const codes = new Map<string, IssuedCode>();
  const refreshTokens = new Map<string, IssuedRefreshToken>();
  const sessions = new Map<string, DirectoryUser>();
  const issued: { grant: string; clientId: string }[] = [];
  const tokenLimiter = new CallerRateLimiter(options.tokenRateLimit ?? DEFAULT_TOKEN_RATE_LIMIT);
  const router = new Router({
    renderError: (error, { res }) => {
      sendJson(res, error.status, { error: error.code, error_description: error.message });
    },
  });
  const server = createServer({ key: tls.keyPem, cert: tls.certificatePem }, router.listener);
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      resolve();
    });
  });
  const authorityHost = `https://${host}:${(server.address() as AddressInfo).port}`;
  const identityRouter = new Router();
  const identityServer = createHttpServer(identityRouter.listener);
  await new Promise<void>((resolve, reject) => {
    identityServer.once("error", reject);
    identityServer.listen(0, host, () => {
      resolve();
    });
  });
  const identityEndpoint = `http://${host}:${(identityServer.address() as AddressInfo).port}/msi/token`;
  const tenant = directory.tenantId;
  const authority = `${authorityHost}/${tenant}`;
  const tokens = createTokenMinter(authorityHost, tenant, keys, options.accessTokenLifetimeSeconds);
  const endpoints = {
    authorize: `${authority}/oauth2/v2.0/authorize`,
    token: `${authority}/oauth2/v2.0/token`,
    logout: `${authority}/oauth2/v2.0/logout`,
    jwks: `${authority}/discovery/v2.0/keys`,
  };
  const spaOrigins = new Set(
    directory.clients.flatMap((client) => (client.spaRedirectUris ?? []).map((uri) => new URL(uri).origin)),
  );
  const corsFor = (req: IncomingMessage): Record<string, string> => {
    const origin = req.headers.origin;
    return origin !== undefined && spaOrigins.has(origin)
      ? { "access-control-allow-origin": origin, vary: "Origin" }
      : {};
  };

  // Discovery: public, cacheable, readable from any origin (MSAL.js fetches it from the page).
  router.on("GET", `/${tenant}/v2.0/.well-known/openid-configuration`, ({ res }) => {
    sendJson(
      res,
      200,
      {
        issuer: tokens.issuer,
        authorization_endpoint: endpoints.authorize,
        token_endpoint: endpoints.token,
        end_session_endpoint: endpoints.logout,
        jwks_uri: endpoints.jwks,
        response_modes_supported: ["query", "fragment", "form_post"],
        response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
        scopes_supported: ["openid", "profile", "email", "offline_access"],
        subject_types_supported: ["pairwise"],
        id_token_signing_alg_values_supported: ["RS256"],
        token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        claims_supported: [
          "sub",
          "iss",
          "aud",
          "exp",
          "iat",
          "nonce",
          "name",
          "preferred_username",
          "oid",
          "tid",
          "ver",
        ],
        request_uri_parameter_supported: false,
        tenant_region_scope: null,
        cloud_instance_name: new URL(authorityHost).host,
      },
      { "access-control-allow-origin": "*", "cache-control": "max-age=86400, private" },
    );
  });
  router.on("GET", `/${tenant}/discovery/v2.0/keys`, ({ res }) => {
    sendJson(res, 200, keys.jwks(), { "access-control-allow-origin": "*", "cache-control": "max-age=86400, private" });
  });

  const signedInUser = (req: IncomingMessage): DirectoryUser | undefined => {
    const id = cookies(req).get(SESSION_COOKIE);
    return id === undefined ? undefined : sessions.get(id);
  };

  /** Sends the authorize response to the redirect URI, in the response mode asked for. */
  const respond = (
    res: ServerResponse,
    params: URLSearchParams,
    values: Record<string, string>,
    extraHeaders: Record<string, string> = {},
  ) => {
    const state = params.get("state");
    const answer = new URLSearchParams({ ...values, ...(state === null ? {} : { state }) });
    const target = new URL(params.get("redirect_uri") ?? "");
    if (params.get("response_mode") === "query") {
      for (const [name, value] of answer) target.searchParams.set(name, value);
      redirect(res, target.toString(), extraHeaders);
    } else {
      target.hash = answer.toString();
      redirect(res, target.toString(), extraHeaders);
    }
  };

  const issueCode = (
    res: ServerResponse,
    params: URLSearchParams,
    user: DirectoryUser,
    headers: Record<string, string> = {},
  ) => {
    const code = randomBytes(32).toString("base64url");
    const scopes = (params.get("scope") ?? "").split(" ").filter((scope) => scope !== "");
    codes.set(code, {
      clientId: params.get("client_id") ?? "",
      redirectUri: params.get("redirect_uri") ?? "",
      user,
      scopes,
      codeChallenge: params.get("code_challenge") ?? undefined,
      nonce: params.get("nonce") ?? undefined,
      expiresAt: Date.now() + CODE_LIFETIME_MS,
      used: false,
    });
    respond(
      res,
      params,
      {
        code,
        ...(params.get("client_info") === "1" ? { client_info: clientInfo(user, tenant) } : {}),
        session_state: randomUUID(),
      },
      headers,
    );
  };

  /** Checks what must be right before anything is redirected back: the client and its redirect URI. */
  const trustedRequest = (res: ServerResponse, params: URLSearchParams): ClientRegistration | undefined => {
    const client = findClient(directory, params.get("client_id") ?? undefined);
    if (client === undefined) {
      sendHtml(
        res,
        400,
        errorPage(
          `AADSTS${aadsts.invalidClient}: Application with identifier '${params.get("client_id") ?? ""}' was not found in the directory '${tenant}'.`,
        ),
      );
      return undefined;
    }
    const redirectUri = params.get("redirect_uri") ?? "";
    if (!(client.spaRedirectUris ?? []).includes(redirectUri)) {
      sendHtml(
        res,
        400,
        errorPage(
          `AADSTS${aadsts.redirectUriMismatch}: The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${client.clientId}'.`,
        ),
      );
      return undefined;
    }
    return client;
  };

  const scopeProblem = (params: URLSearchParams): string | undefined => {
    if (params.get("response_type") !== "code") return "unsupported_response_type";
    const scopes = (params.get("scope") ?? "").split(" ").filter((scope) => scope !== "" && !OIDC_SCOPES.has(scope));
    const unknown = scopes.find((scope) => {
      const { resource, name } = resourceOf(scope);
      return (
        (resource !== directory.api.appIdUri && resource !== directory.api.clientId) ||
        !directory.api.scopes.includes(name)
      );
    });
    return unknown === undefined ? undefined : `The scope '${unknown}' does not exist on the resource.`;
  };

  router.on("GET", `/${tenant}/oauth2/v2.0/authorize`, ({ req, res, url }) => {
    const params = url.searchParams;
    if (trustedRequest(res, params) === undefined) return;
    const problem = scopeProblem(params);
    if (problem !== undefined) {
      respond(res, params, {
        error: problem === "unsupported_response_type" ? problem : "invalid_scope",
        error_description: `AADSTS${aadsts.invalidScope}: ${problem}`,
      });
      return;
    }
    const prompt = params.get("prompt");
    const hint = params.get("login_hint") ?? undefined;
    const user = signedInUser(req);
    const sameUser = user !== undefined && (hint === undefined || findUser(directory, hint)?.oid === user.oid);
    if (prompt === "none") {
      if (sameUser) issueCode(res, params, user);
      else
        respond(res, params, {
          error: "login_required",
          error_description: `AADSTS${aadsts.interactionRequired}: A silent sign-in request was sent but no user is signed in.`,
        });
      return;
    }
    if (sameUser && prompt !== "login" && prompt !== "select_account") {
      issueCode(res, params, user);
      return;
    }
    sendHtml(res, 200, signInPage(`/${tenant}/oauth2/v2.0/authorize`, params.toString(), directory.users, hint));
  });

  router.on("POST", `/${tenant}/oauth2/v2.0/authorize`, async ({ req, res }) => {
    const form = new URLSearchParams((await readBody(req)).toString("utf8"));
    const params = new URLSearchParams(form.get("request") ?? "");
    if (trustedRequest(res, params) === undefined) return;
    const user = directory.users.find((candidate) => candidate.oid === form.get("user"));
    if (user === undefined) {
      sendHtml(res, 200, signInPage(`/${tenant}/oauth2/v2.0/authorize`, params.toString(), directory.users, undefined));
      return;
    }
    const session = randomBytes(24).toString("base64url");
    sessions.set(session, user);
    // SameSite=None: the silent flow reads the session from a hidden iframe on the app's site.
    issueCode(res, params, user, {
      "set-cookie": `${SESSION_COOKIE}=${session}; Path=/; Secure; HttpOnly; SameSite=None`,
    });
  });

  router.on("GET", `/${tenant}/oauth2/v2.0/logout`, ({ req, res, url }) => {
    const id = cookies(req).get(SESSION_COOKIE);
    if (id !== undefined) sessions.delete(id);
    const next = url.searchParams.get("post_logout_redirect_uri");
    const clear = { "set-cookie": `${SESSION_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=None; Max-Age=0` };
    if (next !== null) redirect(res, next, clear);
    else sendHtml(res, 200, "<!doctype html><title>Signed out</title><p>You signed out of your account.</p>", clear);
  });

  const authenticateClient = async (form: URLSearchParams): Promise<ClientRegistration> => {
    const client = findClient(directory, form.get("client_id") ?? undefined);
    if (client === undefined)
      throw invalidClient(
        aadsts.invalidClient,
        `Application with identifier '${form.get("client_id") ?? ""}' was not found in the directory '${tenant}'.`,
      );
    const secret = form.get("client_secret");
    const assertion = form.get("client_assertion");
    if (secret !== null) {
      if (!(client.secrets ?? []).includes(secret))
        throw invalidClient(
          aadsts.invalidClientSecret,
          `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${client.clientId}'.`,
        );
      return client;
    }
    if (assertion !== null) {
      if (form.get("client_assertion_type") !== CLIENT_ASSERTION_TYPE)
        throw invalidRequest(
          aadsts.invalidClientAssertion,
          `client_assertion_type must be '${CLIENT_ASSERTION_TYPE}'.`,
        );
      await verifyClientAssertion(client, assertion, endpoints.token);
      return client;
    }
    return client;
  };

  const tokenReply = (
    res: ServerResponse,
    req: IncomingMessage,
    body: Record<string, unknown>,
    grant: string,
    clientId: string,
  ) => {
    issued.push({ grant, clientId });
    sendJson(res, 200, body, { "cache-control": "no-store", pragma: "no-cache", ...corsFor(req) });
  };

  const delegatedTokens = async (
    client: ClientRegistration,
    user: DirectoryUser,
    scopes: readonly string[],
    nonce: string | undefined,
    withRefresh: boolean,
  ) => {
    const apiScopes = scopes.filter((scope) => !OIDC_SCOPES.has(scope));
    const names = apiScopes.map((scope) => resourceOf(scope).name);
    const body: Record<string, unknown> = {
      token_type: "Bearer",
      scope: [...apiScopes, ...scopes.filter((scope) => OIDC_SCOPES.has(scope) && scope !== "offline_access")].join(
        " ",
      ),
      expires_in: tokens.lifetimeSeconds,
      ext_expires_in: tokens.lifetimeSeconds,
      access_token: await tokens.delegated(user, {
        audience: directory.api.clientId,
        clientId: client.clientId,
        scopes: names,
      }),
      client_info: clientInfo(user, tenant),
    };
    if (scopes.includes("openid")) body.id_token = await tokens.idToken(user, client.clientId, nonce);
    if (withRefresh) {
      const refresh = randomBytes(48).toString("base64url");
      refreshTokens.set(refresh, {
        clientId: client.clientId,
        user,
        expiresAt: Date.now() + SPA_REFRESH_TOKEN_LIFETIME_MS,
      });
      body.refresh_token = refresh;
    }
    return body;
  };

  router.on("OPTIONS", `/${tenant}/oauth2/v2.0/token`, ({ req, res }) => {
    res.writeHead(204, {
      ...corsFor(req),
      "access-control-allow-methods": "POST",
      "access-control-allow-headers": "content-type",
      "access-control-max-age": "600",
    });
    res.end();
  });

  router.on("POST", `/${tenant}/oauth2/v2.0/token`, async ({ req, res }) => {
    const caller = req.socket.remoteAddress ?? "unknown";
    const decision = await tokenLimiter.take(caller);
    if (!decision.allowed) {
      const retryAfter = String(decision.retryAfterSeconds);
      sendJson(
        res,
        429,
        {
          error: "too_many_requests",
          error_description: `Too many token requests from ${caller}; retry after ${retryAfter} s.`,
        },
        { "retry-after": retryAfter, "cache-control": "no-store", ...corsFor(req) },
      );
      return;
    }
    const form = new URLSearchParams((await readBody(req)).toString("utf8"));
    try {
      const client = await authenticateClient(form);
      const grant = form.get("grant_type");
      if (grant === "authorization_code") {
        const code = codes.get(form.get("code") ?? "");
        if (code === undefined || code.expiresAt < Date.now() || code.clientId !== client.clientId)
          throw invalidGrant(
            aadsts.codeInvalid,
            "The provided authorization code or refresh token has expired or is invalid.",
          );
        if (code.used)
          throw invalidGrant(
            aadsts.codeRedeemed,
            "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
          );
        if (form.get("redirect_uri") !== code.redirectUri)
          throw invalidGrant(
            aadsts.redirectUriMismatch,
            "The redirect URI does not match the one the authorization code was issued for.",
          );
        const spa = (client.spaRedirectUris ?? []).includes(code.redirectUri);
        if (spa && req.headers.origin === undefined)
          throw invalidRequest(
            aadsts.spaCrossOriginOnly,
            "Tokens issued for the 'Single-Page Application' client-type may only be redeemed via cross-origin requests.",
          );
        const verifier = form.get("code_verifier");
        if (code.codeChallenge === undefined) {
          if (spa)
            throw invalidRequest(
              aadsts.pkceRequired,
              "Proof Key for Code Exchange is required for cross-origin authorization code redemption.",
            );
        } else if (verifier === null || s256(verifier) !== code.codeChallenge) {
          throw invalidGrant(
            aadsts.pkceMismatch,
            "The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.",
          );
        }
        code.used = true;
        tokenReply(
          res,
          req,
          await delegatedTokens(client, code.user, code.scopes, code.nonce, code.scopes.includes("offline_access")),
          grant,
          client.clientId,
        );
        return;
      }
      if (grant === "refresh_token") {
        const token = form.get("refresh_token") ?? "";
        const issuedToken = refreshTokens.get(token);
        if (issuedToken === undefined || issuedToken.clientId !== client.clientId)
          throw invalidGrant(
            aadsts.codeInvalid,
            "The provided authorization code or refresh token has expired or is invalid.",
          );
        if (issuedToken.expiresAt < Date.now())
          throw invalidGrant(aadsts.refreshTokenExpired, "The refresh token has expired due to inactivity.");
        refreshTokens.delete(token);
        const scopes = (form.get("scope") ?? "").split(" ").filter((scope) => scope !== "");
        tokenReply(
          res,
          req,
          await delegatedTokens(client, issuedToken.user, scopes, undefined, true),
          grant,
          client.clientId,
        );
        return;
      }
      if (grant === "client_credentials") {
        if (form.get("client_secret") === null && form.get("client_assertion") === null)
          throw invalidClient(
            aadsts.invalidClientAssertion,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
          );
        const scope = form.get("scope") ?? "";
        const { resource, name } = resourceOf(scope);
        const known =
          resource === directory.api.appIdUri ||
          directory.resources.some((candidate) => candidate.replace(/\/+$/, "") === resource.replace(/\/+$/, ""));
        if (name !== ".default" || !known)
          throw invalidRequest(
            aadsts.invalidScope,
            `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
          );
        const audience = resource === directory.api.appIdUri ? directory.api.clientId : resource;
        tokenReply(
          res,
          req,
          {
            token_type: "Bearer",
            expires_in: tokens.lifetimeSeconds,
            ext_expires_in: tokens.lifetimeSeconds,
            access_token: await tokens.appOnly({
              audience,
              clientId: client.clientId,
              principalId: servicePrincipalId(client.clientId),
              clientAuthentication: form.get("client_assertion") === null ? "1" : "2",
            }),
          },
          grant,
          client.clientId,
        );
        return;
      }
      if (grant === null)
        throw invalidRequest(
          aadsts.missingParameter,
          "The request body must contain the following parameter: 'grant_type'.",
        );
      throw new OAuthError(
        400,
        "unsupported_grant_type",
        aadsts.unsupportedGrant,
        `The app requested an unsupported grant type '${grant}'.`,
      );
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      sendJson(res, error.status, error.body(), { "cache-control": "no-store", ...corsFor(req) });
    }
  });

  // App Service managed identity (api-version 2019-08-01): the platform sets IDENTITY_ENDPOINT and IDENTITY_HEADER.
  identityRouter.on("GET", "/msi/token", async ({ req, res, url }) => {
    const identity = directory.managedIdentity;
    if (identity === undefined || req.headers["x-identity-header"] !== identity.identityHeader) {
      sendJson(res, 401, { statusCode: 401, message: "The X-IDENTITY-HEADER header is missing or wrong." });
      return;
    }
    const resource = url.searchParams.get("resource") ?? "";
    const known =
      resource === directory.api.appIdUri ||
      directory.resources.some((candidate) => candidate.replace(/\/+$/, "") === resource.replace(/\/+$/, ""));
    if (url.searchParams.get("api-version") !== "2019-08-01" || !known) {
      sendJson(res, 400, {
        statusCode: 400,
        message: `No token for resource '${resource}' (api-version ${url.searchParams.get("api-version") ?? "missing"}).`,
      });
      return;
    }
    const expiresOn = Math.floor(Date.now() / 1000) + tokens.lifetimeSeconds;
    issued.push({ grant: "managed_identity", clientId: identity.clientId });
    sendJson(res, 200, {
      // **Unconfirmed**: the claims of a managed identity's token (the emulator issues an app-only token's).
      access_token: await tokens.appOnly({
        audience: resource,
        clientId: identity.clientId,
        principalId: identity.principalId,
        clientAuthentication: "2",
      }),
      expires_on: String(expiresOn),
      resource,
      token_type: "Bearer",
      client_id: identity.clientId,
    });
  });

  router.on("*", "/", ({ res, url }) => {
    const first = url.pathname.split("/")[1] ?? "";
    sendJson(
      res,
      400,
      new OAuthError(400, "invalid_tenant", aadsts.tenantNotFound, `Tenant '${first}' not found.`).body(),
    );
  });

  return {
    authorityHost,
    authority,
    issuer: tokens.issuer,
    jwksUri: endpoints.jwks,
    tokenEndpoint: endpoints.token,
    managedIdentityEndpoint: identityEndpoint,
    tlsCertificate: tls,
    directory,
    keys,
    tokens,
    issued,
    close: async () => {
      for (const listening of [server, identityServer]) {
        await new Promise<void>((resolve, reject) => {
          listening.close((error) => {
            if (error) reject(error);
            else resolve();
          });
          listening.closeAllConnections();
        });
      }
    },
  };
}

/**
 * A certificate credential's client assertion (certificate-credentials.md): a JWT signed by the
 * certificate's key, `x5t` or `x5t#S256` naming the certificate, `aud` the token endpoint,
 * `iss` and `sub` the client id, with `exp`, `nbf` and `jti`.
 */
async function verifyClientAssertion(
  client: ClientRegistration,
  assertion: string,
  tokenEndpoint: string,
): Promise<void> {
  const refuse = (why: string) =>
    invalidClient(aadsts.invalidClientAssertion, `Client assertion failed signature validation or is invalid: ${why}`);
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(assertion);
  } catch {
    throw refuse("it is not a JWT.");
  }
  const certificate = (client.certificates ?? [])
    .map((pem) => ({ pem, described: describeCertificate("", pem) }))
    .find(({ described }) => described.x5t === header.x5t || described.x5tS256 === header["x5t#S256"]);
  if (certificate === undefined) throw refuse("no certificate registered for the application matches its x5t.");
  const alg = header.alg === "PS256" ? "PS256" : "RS256";
  try {
    await jwtVerify(assertion, await importX509(certificate.pem, alg), {
      algorithms: ["RS256", "PS256"],
      audience: tokenEndpoint,
      issuer: client.clientId,
      subject: client.clientId,
      requiredClaims: ["exp", "nbf", "jti"],
      // Entra tolerates clock skew between the client and itself (five minutes).
      clockTolerance: 300,
    });
  } catch (error) {
    throw refuse(error instanceof Error ? error.message : String(error));
  }
}
