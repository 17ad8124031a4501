/**
 * The host's app settings `fsi setup` prints for the Function App (or any host), with its
 * identity on the managed-identity route by default — no stored secret: Dataverse and finance and
 * operations both accept an application user for the Function App's managed identity (Learn:
 * "Authenticate to Azure services with the Azure Identity library"; `http-kit/auth/host-credentials.ts`).
 * A client secret or certificate is printed only when asked for (`--host-credential`). Secrets are
 * never printed as values: they are Key Vault references (`@Microsoft.KeyVault(VaultName=…;SecretName=…)`,
 * App Service's documented syntax), and the keys `fsi setup` generated are printed once, as the
 * `az keyvault secret set` commands that store them.
 */
import type { SetupReport } from "./checks";
import type { SetupSettings } from "./settings";

export const WEBHOOK_KEY_SECRET = "fsi-webhook-key";
export const SCM_EVENTS_KEY_SECRET = "fsi-scm-events-key";
export const CLIENT_SECRET_SECRET = "fsi-client-secret";

const reference = (vault: string, secret: string): string =>
  `@Microsoft.KeyVault(VaultName=${vault};SecretName=${secret})`;

/** `NAME=value` lines of the host's settings this setup decided. */
export function hostSettingsLines(settings: SetupSettings): string[] {
  const vault = settings.keyVault ?? "<key vault name>";
  const env = settings.env;
  const lines = [
    `FSI_DATAVERSE_URL=${settings.dataverseUrl}`,
    ...(settings.scmUrl === undefined ? ["FSI_SCM_URL=<SCM environment URL>"] : [`FSI_SCM_URL=${settings.scmUrl}`]),
    `FSI_INTEGRATION_USER_ID=${settings.integrationUserId}`,
    `FSI_CREDENTIAL=${settings.hostCredential}`,
  ];
  switch (settings.hostCredential) {
    case "managed-identity":
      if (env.FSI_MANAGED_IDENTITY_CLIENT_ID !== undefined)
        lines.push(`FSI_MANAGED_IDENTITY_CLIENT_ID=${env.FSI_MANAGED_IDENTITY_CLIENT_ID}`);
      break;
    case "client-secret":
      lines.push(
        `FSI_TENANT_ID=${env.FSI_TENANT_ID ?? "<tenant id>"}`,
        `FSI_CLIENT_ID=${env.FSI_CLIENT_ID ?? "<host app registration's client id>"}`,
        `FSI_CLIENT_SECRET=${reference(vault, CLIENT_SECRET_SECRET)}`,
      );
      break;
    case "client-certificate":
      lines.push(
        `FSI_TENANT_ID=${env.FSI_TENANT_ID ?? "<tenant id>"}`,
        `FSI_CLIENT_ID=${env.FSI_CLIENT_ID ?? "<host app registration's client id>"}`,
        `FSI_CLIENT_CERTIFICATE_PATH=${env.FSI_CLIENT_CERTIFICATE_PATH ?? "<path of the PEM (key and certificate) on the host>"}`,
      );
      break;
  }
  lines.push(
    `FSI_WEBHOOK_AUTH=${settings.webhookAuth.kind}`,
    ...(settings.webhookAuth.kind === "WebhookKey" ? [] : [`FSI_WEBHOOK_KEY_NAME=${settings.webhookAuth.name}`]),
    `FSI_WEBHOOK_KEY=${reference(vault, WEBHOOK_KEY_SECRET)}`,
    `FSI_SCM_EVENTS_KEY=${reference(vault, SCM_EVENTS_KEY_SECRET)}`,
  );
  return lines;
}

/** The commands that store generated keys in Key Vault (printed once; fsi keeps no copy). */
export function generatedKeyCommands(settings: SetupSettings, generated: SetupReport["generated"]): string[] {
  const vault = settings.keyVault ?? "<key vault name>";
  const commands: string[] = [];
  if (generated.webhookKey !== undefined)
    commands.push(
      `az keyvault secret set --vault-name ${vault} --name ${WEBHOOK_KEY_SECRET} --value '${generated.webhookKey}'`,
    );
  if (generated.scmEventsKey !== undefined)
    commands.push(
      `az keyvault secret set --vault-name ${vault} --name ${SCM_EVENTS_KEY_SECRET} --value '${generated.scmEventsKey}'`,
    );
  return commands;
}
