/**
 * What the emulated Microsoft Entra ID tenant knows: its id, its users, the API the validation
 * service exposes (application ID URI, client id, delegated scopes), the client applications allowed
 * to ask for tokens (an SPA with its redirect URIs; confidential clients with a secret or a
 * certificate) and the resources they may ask app-only tokens for, and a managed identity.
 */

export interface DirectoryUser {
  /** Object id: the access token's `oid`. */
  readonly oid: string;
  /** User principal name: `preferred_username`, what a `login_hint` names. */
  readonly upn: string;
  readonly name: string;
}

/** An API registration ("Expose an API"): its application ID URI, client id and delegated scopes. */
export interface ApiRegistration {
  readonly clientId: string;
  /** `api://<something>`; scopes are asked for as `<appIdUri>/<scope>`. */
  readonly appIdUri: string;
  readonly scopes: readonly string[];
}

export interface ClientRegistration {
  readonly clientId: string;
  readonly displayName: string;
  /** Redirect URIs of the "Single-page application" platform: auth code with PKCE, redeemed cross-origin. */
  readonly spaRedirectUris?: readonly string[];
  /** Client secrets (confidential client). */
  readonly secrets?: readonly string[];
  /** Certificates (PEM) whose keys sign client assertions (confidential client). */
  readonly certificates?: readonly string[];
}

export interface ManagedIdentityRegistration {
  readonly clientId: string;
  readonly principalId: string;
  /** The `X-IDENTITY-HEADER` value the platform gives the app (App Service's IDENTITY_HEADER). */
  readonly identityHeader: string;
}

export interface EntraDirectory {
  readonly tenantId: string;
  readonly users: readonly DirectoryUser[];
  readonly api: ApiRegistration;
  readonly clients: readonly ClientRegistration[];
  /** Resources (besides the API) clients may get app-only tokens for: Dataverse's and SCM's URLs. */
  readonly resources: readonly string[];
  readonly managedIdentity?: ManagedIdentityRegistration;
}

export function findUser(directory: EntraDirectory, hint: string | undefined): DirectoryUser | undefined {
  if (hint === undefined) return undefined;
  return directory.users.find((user) => user.upn.toLowerCase() === hint.toLowerCase() || user.oid === hint);
}

export function findClient(directory: EntraDirectory, clientId: string | undefined): ClientRegistration | undefined {
  return directory.clients.find((client) => client.clientId === clientId);
}

/** The resource of a `<resource>/.default` or `<appIdUri>/<scope>` scope, without the scope. */
export function resourceOf(scope: string): { resource: string; name: string } {
  const slash = scope.lastIndexOf("/");
  return slash <= 0 ? { resource: "", name: scope } : { resource: scope.slice(0, slash), name: scope.slice(slash + 1) };
}
