/**
 * Who is calling. A bearer token is required (unless configured off) and maps to a system user:
 * through the configured token map, else a JWT whose `sub` is a system user id (the sandbox's
 * local token issuer puts the user there; the signature is not checked, the sandbox being one
 * trust domain), else the default user. `MSCRMCallerID: <systemuserid>` impersonates another
 * user, as in Dataverse: the operation runs as that user (UserId) on behalf of the caller
 * (InitiatingUserId).
 */
import { systemUser } from "@fsi/core";
import { authenticationRequired, invalidArgument } from "./errors";
import { isGuid, normalizeGuid } from "./keys";
import type { DataverseStore } from "./storage/store";

export interface EmulatorUser {
  readonly id: string;
  readonly fullname: string;
  readonly domainname: string;
}

export interface AuthSettings {
  readonly requireAuthorization: boolean;
  /** Bearer token → system user id. */
  readonly tokens: Readonly<Record<string, string>>;
  readonly defaultUserId: string;
}

export interface Identity {
  readonly userId: string;
  readonly initiatingUserId: string;
}

export function authenticate(
  headers: Readonly<Record<string, string>>,
  settings: AuthSettings,
  store: DataverseStore,
): Identity {
  const authorization = headers.authorization;
  const token =
    authorization !== undefined && /^bearer\s+/i.test(authorization)
      ? authorization.replace(/^bearer\s+/i, "").trim()
      : undefined;
  if (settings.requireAuthorization && (token === undefined || token === "")) throw authenticationRequired();
  const caller =
    (token === undefined ? undefined : (settings.tokens[token] ?? jwtSubject(token, store))) ?? settings.defaultUserId;
  const impersonated = headers.mscrmcallerid;
  if (impersonated === undefined) return { userId: caller, initiatingUserId: caller };
  const id = normalizeGuid(impersonated);
  if (!isGuid(id) || store.getRow(store.reader, systemUser, id) === undefined) {
    throw invalidArgument(`The MSCRMCallerID header names no system user: '${impersonated}'.`);
  }
  return { userId: id, initiatingUserId: caller };
}

/** The `sub` of a JWT when it names a system user of the emulator. */
function jwtSubject(token: string, store: DataverseStore): string | undefined {
  const payload = token.split(".")[1];
  if (token.split(".").length !== 3 || payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { sub?: unknown };
    if (typeof claims.sub !== "string" || !isGuid(claims.sub)) return undefined;
    const id = normalizeGuid(claims.sub);
    return store.getRow(store.reader, systemUser, id) === undefined ? undefined : id;
  } catch {
    return undefined;
  }
}
