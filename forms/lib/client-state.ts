/// <reference types="xrm" />
/**
 * Whether the form runs offline (the mobile app's offline mode). Offline, the validation API cannot
 * be reached; the record is saved on the device and the server-side validate step checks it when
 * the app syncs. Source: learn.microsoft.com, client API `getClientState` ("Online" | "Offline") and
 * `isOffline`.
 */
export function isOffline(): boolean {
  const client = Xrm.Utility.getGlobalContext().client;
  return client.getClientState() === "Offline" || client.isOffline();
}
