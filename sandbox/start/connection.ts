/**
 * What the running sandbox leaves in `<state>/connection.json` for `npx fsi ...`: its URL, the
 * integration's token and user, the host's state files, the host's own keys (a deployed host's
 * Key Vault secrets) and the token `fsi setup` signs in with: the integration administrator's, who
 * holds FSI Administrator only — least privilege, as the person who finishes a real org's setup.
 */
import type { SandboxConnection } from "@fsi/plugins/cli/sandbox-connection";
import { type PluginsMount, SANDBOX_INTEGRATION_TOKEN, SANDBOX_INTEGRATION_USER } from "../auth/plugins-mount";
import { SANDBOX_SPA_CLIENT_ID, SANDBOX_VALIDATION_SCOPE } from "../auth/entra";
import type { Mount, SandboxServer } from "../server";
import { INTEGRATION_ADMIN_TOKEN } from "./identities";

const isPluginsMount = (mount: Mount): mount is PluginsMount => "keys" in mount && typeof mount.keys === "function";

export function sandboxConnectionOf(sandbox: SandboxServer): SandboxConnection {
  const plugins = sandbox.mounts.find(isPluginsMount);
  const keys = plugins?.keys();
  const entra = plugins?.entra();
  return {
    url: sandbox.url,
    scmUrl: `${sandbox.url}/scm`,
    dataverseToken: SANDBOX_INTEGRATION_TOKEN,
    integrationUserId: SANDBOX_INTEGRATION_USER.id,
    statePath: "plugins.sqlite",
    inventoryStatePath: "inventory.sqlite",
    setupToken: INTEGRATION_ADMIN_TOKEN,
    ...(entra === undefined
      ? {}
      : {
          variables: {
            fsi_EntraAuthority: entra.authority,
            fsi_ValidationApiClientId: SANDBOX_SPA_CLIENT_ID,
            fsi_ValidationApiScope: SANDBOX_VALIDATION_SCOPE,
          },
        }),
    ...(keys === undefined
      ? {}
      : { webhookKey: keys.webhookKey, webhookKeyName: keys.webhookKeyHeader, scmEventsKey: keys.scmEventsKey }),
  };
}
