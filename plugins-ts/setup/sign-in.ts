/**
 * How `fsi setup` and `fsi doctor` sign in to Dataverse — as the administrator who imported the
 * solution, never as the host — through `@azure/identity` (Learn: "Authenticate to Azure services
 * with the Azure Identity library"): device code (the default for a real org: works over SSH), an
 * interactive browser sign-in, the Azure CLI's signed-in account, or an admin app registration's
 * secret or certificate (an application user in Dataverse with System Customizer or FSI
 * Administrator). The sandbox's own fixed token needs none of it. Tokens are asked for
 * `<org URL>/.default`, as for the host (`http-kit/auth/host-credentials.ts`).
 */
import {
  AzureCliCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  DeviceCodeCredential,
  InteractiveBrowserCredential,
  type TokenCredential,
} from "@azure/identity";
import {
  type AccessTokenProvider,
  type CredentialOptions,
  resourceTokenProvider,
} from "../http-kit/auth/host-credentials";
import type { SignIn } from "./settings";

/** The credential `signIn` names; `prompt` shows the device code message. */
export function signInCredential(
  signIn: Exclude<SignIn, { kind: "token" }>,
  authorityHost: string | undefined,
  prompt: (message: string) => void,
  options: CredentialOptions = {},
): TokenCredential {
  const authority = {
    ...(authorityHost === undefined ? {} : { authorityHost, disableInstanceDiscovery: true }),
    ...(options.additionalPolicies === undefined ? {} : { additionalPolicies: options.additionalPolicies }),
  };
  switch (signIn.kind) {
    case "device-code":
      return new DeviceCodeCredential({
        tenantId: signIn.tenantId,
        clientId: signIn.clientId,
        ...authority,
        userPromptCallback: (info) => {
          prompt(info.message);
        },
      });
    case "interactive":
      return new InteractiveBrowserCredential({ tenantId: signIn.tenantId, clientId: signIn.clientId, ...authority });
    case "azure-cli":
      return new AzureCliCredential(signIn.tenantId === undefined ? {} : { tenantId: signIn.tenantId });
    case "client-secret":
      return new ClientSecretCredential(signIn.tenantId, signIn.clientId, signIn.clientSecret, authority);
    case "client-certificate":
      return new ClientCertificateCredential(
        signIn.tenantId,
        signIn.clientId,
        { certificatePath: signIn.certificatePath },
        authority,
      );
  }
}

/** Bearer tokens for the organization, cached and refreshed by `resourceTokenProvider`. */
export function signInTokenProvider(
  signIn: SignIn,
  dataverseUrl: string,
  authorityHost: string | undefined,
  prompt: (message: string) => void,
  options: CredentialOptions = {},
): AccessTokenProvider {
  if (signIn.kind === "token") return () => Promise.resolve(signIn.token);
  return resourceTokenProvider(signInCredential(signIn, authorityHost, prompt, options), dataverseUrl);
}
