export { createSelfSignedCertificate, describeCertificate } from "./certificate";
export type { SelfSignedCertificate } from "./certificate";
export type {
  ApiRegistration,
  ClientRegistration,
  DirectoryUser,
  EntraDirectory,
  ManagedIdentityRegistration,
} from "./directory";
export { startEntraEmulator } from "./server";
export type { EntraEmulator, EntraEmulatorOptions } from "./server";
export {
  REDIRECT_PAGE_PATH,
  SANDBOX_API,
  SANDBOX_HOST_CLIENT_ID,
  SANDBOX_SPA_CLIENT_ID,
  SANDBOX_TENANT_ID,
  SANDBOX_VALIDATION_SCOPE,
  sandboxDirectory,
} from "./sandbox-directory";
export { tokenForge } from "./token-forge";
export type { TokenForge, TokenOverrides } from "./token-forge";
