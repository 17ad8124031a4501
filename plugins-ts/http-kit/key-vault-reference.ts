/**
 * A secret app setting that is still a Key Vault reference. App Service and Azure Functions replace
 * `@Microsoft.KeyVault(...)` with the secret's value; when they cannot resolve it (the app's identity
 * may not read the vault, the secret is missing, the syntax is wrong), "the reference value will be
 * used instead" (Learn `app-service/app-service-key-vault-references.md`, "Troubleshooting Key
 * Vault References"). A key setting would then hold the reference text, which is no secret: anyone
 * who has read the deployment template could present it. The host refuses to start on it instead.
 */
import { z } from "zod";

const KEY_VAULT_REFERENCE = /^\s*@Microsoft\.KeyVault\(/i;

export const unresolvedKeyVaultReference =
  "is a Key Vault reference the app could not resolve: give the app's identity the Key Vault Secrets User role on the vault, check that the secret exists, then restart the app";

/** A secret setting: at least `minLength` characters, and not an unresolved Key Vault reference. */
export function secretSetting(minLength: number) {
  return z
    .string()
    .min(minLength, `must be at least ${minLength} characters`)
    .refine((value) => !KEY_VAULT_REFERENCE.test(value), { error: unresolvedKeyVaultReference });
}
