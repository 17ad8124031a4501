/**
 * The sandbox's Field Service emulation: what Field Service's own plug-ins do in an org where it is
 * installed, run inside the Dataverse emulator's pipeline (`platformPlugins`). Nothing here ships:
 * the solution relies on Field Service doing it.
 */
import type { PlatformPlugin } from "../dataverse";
import { inventoryDocumentLines } from "./inventory-documents";
import { inventoryJournalProcessing } from "./inventory-journals";

export function fieldServicePlugins(): PlatformPlugin[] {
  return [inventoryJournalProcessing, inventoryDocumentLines];
}
