/**
 * The host's own identity, for calling Dataverse and SCM as the integration's application user,
 * through `@azure/identity` (Learn: "Authenticate to Azure services with the Azure Identity library";
 * Dataverse and finance and operations both accept application users for Entra service principals).
 * An explicit chain, chosen by configuration, never guessed:
 * - `managed-identity` on Azure (App Service, Functions): no stored secret at all;
 * - `client-certificate` or `client-secret` elsewhere (an app registration's credential);
 * - `fixed-token` only for the sandbox, whose emulators map fixed tokens to users.
 * Tokens are asked per resource with the `<resource>/.default` scope; each provider keeps its token
 * until the credential says to refresh it (`refreshAfterTimestamp`, else five minutes before expiry),
 * and concurrent callers share one request. The credential itself (MSAL Node underneath) caches too.
 */
import {
  type AccessToken,
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  type TokenCredential,
  type TokenCredentialOptions,
} from "@azure/identity";

export type AccessTokenProvider = () => Promise<string>;

export type HostCredentialConfig =
  | { readonly kind: "fixed-token"; readonly token: string }
  | { readonly kind: "managed-identity"; readonly clientId?: string }
  | {
      readonly kind: "client-secret";
      readonly tenantId: string;
      readonly clientId: string;
      readonly clientSecret: string;
      readonly authorityHost?: string;
    }
  | {
      readonly kind: "client-certificate";
      readonly tenantId: string;
      readonly clientId: string;
      /** PEM holding the private key and the certificate (Key Vault's PEM export), or a path to one. */
      readonly certificate: { readonly pem: string } | { readonly path: string };
      readonly authorityHost?: string;
    };

export interface CredentialOptions {
  /** Pipeline policies for the credential's HTTP calls (e.g. an https agent trusting a test CA). */
  readonly additionalPolicies?: TokenCredentialOptions["additionalPolicies"];
}

export class TokenRequestError extends Error {
  override readonly name = "TokenRequestError";
  readonly code = "TOKEN_REQUEST_FAILED";
}

/** Refresh this long before expiry when the credential gives no refresh time. */
const EARLY_REFRESH_MS = 5 * 60_000;

/** The `@azure/identity` credential a configuration names (undefined for the sandbox's fixed token). */
export function hostCredential(
  config: HostCredentialConfig,
  options: CredentialOptions = {},
): TokenCredential | undefined {
  const common = {
    ...(options.additionalPolicies === undefined ? {} : { additionalPolicies: options.additionalPolicies }),
  };
  // A custom authority host is not one of Microsoft's clouds: it is trusted as given.
  const authority = (host: string | undefined) =>
    host === undefined ? {} : { authorityHost: host, disableInstanceDiscovery: true };
  switch (config.kind) {
    case "fixed-token":
      return undefined;
    case "managed-identity":
      return config.clientId === undefined
        ? new ManagedIdentityCredential(common)
        : new ManagedIdentityCredential({ ...common, clientId: config.clientId });
    case "client-secret":
      return new ClientSecretCredential(config.tenantId, config.clientId, config.clientSecret, {
        ...common,
        ...authority(config.authorityHost),
      });
    case "client-certificate": {
      const credentialOptions = { ...common, ...authority(config.authorityHost) };
      return "pem" in config.certificate
        ? new ClientCertificateCredential(
            config.tenantId,
            config.clientId,
            { certificate: config.certificate.pem },
            credentialOptions,
          )
        : new ClientCertificateCredential(
            config.tenantId,
            config.clientId,
            { certificatePath: config.certificate.path },
            credentialOptions,
          );
    }
  }
}

function refreshAt(token: AccessToken): number {
  return token.refreshAfterTimestamp ?? token.expiresOnTimestamp - EARLY_REFRESH_MS;
}

/** A token provider for one resource (`https://contoso.crm.dynamics.com`, an SCM environment's URL). */
export function resourceTokenProvider(
  credential: TokenCredential,
  resource: string,
  now: () => number = Date.now,
): AccessTokenProvider {
  const scope = `${resource.replace(/\/+$/, "")}/.default`;
  let cached: AccessToken | undefined;
  let inFlight: Promise<string> | undefined;
  const request = async (): Promise<string> => {
    let token: AccessToken | null;
    try {
      token = await credential.getToken(scope);
    } catch (error) {
      throw new TokenRequestError(`No token for ${scope}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (token === null) throw new TokenRequestError(`No token for ${scope}: the credential returned none.`);
    cached = token;
    return token.token;
  };
  return async () => {
    if (cached !== undefined && now() < refreshAt(cached)) return cached.token;
    inFlight ??= request().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}

/** The provider for `resource` under `config`: the fixed token as is, else the credential's. */
export function hostTokenProvider(
  config: HostCredentialConfig,
  resource: string,
  options: CredentialOptions = {},
): AccessTokenProvider {
  if (config.kind === "fixed-token") return () => Promise.resolve(config.token);
  const credential = hostCredential(config, options);
  if (credential === undefined) throw new TokenRequestError("No credential configured.");
  return resourceTokenProvider(credential, resource);
}
