/**
 * A request header some SCM clients send naming the integration's SCM user. SCM itself identifies
 * the caller from its Entra ID token (the application's user in System administration > Microsoft
 * Entra applications); neither SCM nor the emulator reads this header, and nothing may depend on it.
 */
export const SCM_INITIATING_USER_HEADER = "x-fsi-user";
