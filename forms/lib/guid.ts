/** Form lookups and `getId()` return `{GUID}` in upper case; the Web API and the contract use bare GUIDs. */
export function bareGuid(id: string): string {
  return id.replace(/[{}]/g, "").toLowerCase();
}
