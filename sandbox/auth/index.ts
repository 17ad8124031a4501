export { createLocalTokenIssuer, DEFAULT_TOKEN_LIFETIME_SECONDS } from "./token-issuer";
export type {
  IssuedToken,
  LocalTokenIssuer,
  LocalTokenIssuerOptions,
  SignedInUser,
  TokenOverrides,
} from "./token-issuer";
export { pluginsRouter } from "./plugins-router";
export type { PluginsRouterOptions } from "./plugins-router";
