/**
 * The sandbox's tenant, registered as docs/deploy.md tells an administrator to register a real one:
 * - the API "FSI Validation API": application ID URI `api://fsi-validation`, one delegated scope
 *   `Validate.Records`;
 * - the SPA "FSI form scripts": redirect URI `<org>/WebResources/fsi_/auth/redirect.html`, the page the
 *   solution ships for MSAL's popup and silent flows;
 * - the host's app registration, with a client secret and a certificate (its tests use both), and a
 *   managed identity — app-only tokens for Dataverse and SCM.
 * The users are the Dataverse emulator's: each one's UPN is its `domainname`, the form scripts' login hint.
 */
import { randomBytes } from "node:crypto";
import type { EmulatorUser } from "../../dataverse";
import type { EntraDirectory } from "./directory";

export const SANDBOX_TENANT_ID = "5a4d0000-0000-4000-8000-00000000f5f5";
export const SANDBOX_API = {
  clientId: "5a4d0000-0000-4000-8000-0000000000a1",
  appIdUri: "api://fsi-validation",
  scopes: ["Validate.Records"],
} as const;
export const SANDBOX_SPA_CLIENT_ID = "5a4d0000-0000-4000-8000-0000000000c1";
export const SANDBOX_HOST_CLIENT_ID = "5a4d0000-0000-4000-8000-0000000000c2";
/** The validation API's required scope, as the form scripts ask for it. */
export const SANDBOX_VALIDATION_SCOPE = `${SANDBOX_API.appIdUri}/${SANDBOX_API.scopes[0]}`;
/** Where the solution's redirect page is served on an org (and on the sandbox's origin). */
export const REDIRECT_PAGE_PATH = "/WebResources/fsi_/auth/redirect.html";

export interface SandboxDirectoryOptions {
  /** The sandbox's origin, where the redirect page is. */
  readonly organizationUrl: string;
  readonly users: readonly EmulatorUser[];
  /** Resources the host may ask app-only tokens for (Dataverse's and SCM's URLs). */
  readonly resources?: readonly string[];
  readonly hostSecret?: string;
  readonly hostCertificatePem?: string;
}

export function sandboxDirectory(options: SandboxDirectoryOptions): EntraDirectory {
  return {
    tenantId: SANDBOX_TENANT_ID,
    users: options.users.map((user) => ({ oid: user.id, upn: user.domainname, name: user.fullname })),
    api: { ...SANDBOX_API, scopes: [...SANDBOX_API.scopes] },
    clients: [
      {
        clientId: SANDBOX_SPA_CLIENT_ID,
        displayName: "FSI form scripts",
        spaRedirectUris: [`${options.organizationUrl}${REDIRECT_PAGE_PATH}`],
      },
      {
        clientId: SANDBOX_HOST_CLIENT_ID,
        displayName: "FSI plug-in host",
        secrets: [options.hostSecret ?? randomBytes(24).toString("base64url")],
        certificates: options.hostCertificatePem === undefined ? [] : [options.hostCertificatePem],
      },
    ],
    resources: options.resources ?? [options.organizationUrl, `${options.organizationUrl}/scm`],
    managedIdentity: {
      clientId: "5a4d0000-0000-4000-8000-0000000000d1",
      principalId: "5a4d0000-0000-4000-8000-0000000000d2",
      identityHeader: randomBytes(16).toString("hex"),
    },
  };
}
