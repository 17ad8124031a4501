/**
 * Access tokens for calling Dataverse and SCM as the integration's application user: a fixed token
 * (the sandbox, whose emulators map tokens to users), or the OAuth 2.0 client credentials grant
 * against Microsoft Entra ID (`POST <authority>/<tenant>/oauth2/v2.0/token`, scope
 * `<resource>/.default`; Learn, "Microsoft identity platform and the OAuth 2.0 client credentials
 * flow"). Tokens are cached until a minute before they expire.
 */
import { z } from "zod";

export type AccessTokenProvider = () => Promise<string>;

export function fixedToken(token: string): AccessTokenProvider {
  return () => Promise.resolve(token);
}

export interface ClientCredentials {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The resource's URL (`https://contoso.crm.dynamics.com`); the scope is `<resource>/.default`. */
  readonly resource: string;
  /** Default `https://login.microsoftonline.com`. */
  readonly authorityHost?: string;
}

const tokenReplySchema = z.object({ access_token: z.string().min(1), expires_in: z.coerce.number().positive() });

/** Refresh this long before expiry, so a token never expires in flight. */
const EARLY_REFRESH_MS = 60_000;

export class TokenRequestError extends Error {
  override readonly name = "TokenRequestError";
  readonly code = "TOKEN_REQUEST_FAILED";
}

export function clientCredentialsToken(credentials: ClientCredentials, now: () => number = Date.now): AccessTokenProvider {
  let cached: { token: string; refreshAt: number } | undefined;
  let inFlight: Promise<string> | undefined;
  const authority = (credentials.authorityHost ?? "https://login.microsoftonline.com").replace(/\/+$/, "");
  const url = `${authority}/${encodeURIComponent(credentials.tenantId)}/oauth2/v2.0/token`;
  const request = async (): Promise<string> => {
    const body = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      scope: `${credentials.resource.replace(/\/+$/, "")}/.default`,
    });
    let response: Response;
    try {
      response = await fetch(url, { method: "POST", body, signal: AbortSignal.timeout(15_000) });
    } catch (error) {
      throw new TokenRequestError(`The token endpoint ${url} could not be reached: ${(error as Error).message}`);
    }
    const text = await response.text();
    if (!response.ok) throw new TokenRequestError(`The token endpoint ${url} answered ${response.status}: ${text.slice(0, 500)}`);
    let json: unknown;
    try {
      json = JSON.parse(text) as unknown;
    } catch {
      throw new TokenRequestError(`The token endpoint ${url} answered a body that is not JSON.`);
    }
    const parsed = tokenReplySchema.safeParse(json);
    if (!parsed.success) throw new TokenRequestError(`The token endpoint ${url} answered no access_token/expires_in.`);
    cached = { token: parsed.data.access_token, refreshAt: now() + parsed.data.expires_in * 1000 - EARLY_REFRESH_MS };
    return parsed.data.access_token;
  };
  return async () => {
    if (cached !== undefined && now() < cached.refreshAt) return cached.token;
    // One request for concurrent callers.
    inFlight ??= request().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}
