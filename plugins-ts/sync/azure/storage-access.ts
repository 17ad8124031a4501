/**
 * How the host reaches its storage account: a connection string (Azurite in development; in Azure
 * a Key Vault reference) or the account's table and blob endpoints with the host's Entra ID
 * credential (a managed identity holding "Storage Table Data Contributor" and "Storage Blob Data
 * Contributor" on the account).
 */
import type { TokenCredential } from "@azure/identity";

export type AzureStorageAccess =
  | { readonly kind: "connection-string"; readonly connectionString: string }
  | {
      readonly kind: "token";
      readonly tableUrl: string;
      readonly blobUrl: string;
      readonly credential: TokenCredential;
    };

export interface AzureStoreSettings {
  readonly access: AzureStorageAccess;
  /** Prefixes every table and container name, so environments can share an account; default `fsi`. */
  readonly prefix: string;
  /** The replay lease's duration in seconds (Blob leases: 15 to 60, or infinite); default 30. */
  readonly leaseSeconds?: number;
}

/** Lowercase letters and digits, starting with a letter: valid in table names and container names alike. */
export const STORAGE_PREFIX_PATTERN = /^[a-z][a-z0-9]{0,29}$/;
