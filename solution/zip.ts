/**
 * Deterministic zip files: entries in a fixed order, every entry dated 1980-01-01 00:00 (the
 * earliest DOS date, so the build time never leaks into the bytes), no folder entries, DEFLATE
 * through JSZip's bundled pako. The same entries always give the same bytes.
 */
import JSZip from "jszip";
import { fail } from "./errors";

const fixedDate = new Date(Date.UTC(1980, 0, 1, 0, 0, 0));

export async function writeZip(entries: readonly (readonly [string, Buffer])[]): Promise<Buffer> {
  const zip = new JSZip();
  for (const [name, content] of entries) {
    zip.file(name, content, { date: fixedDate, createFolders: false, binary: true });
  }
  return zip.generateAsync({
    type: "nodebuffer",
    compression: "DEFLATE",
    compressionOptions: { level: 9 },
    platform: "DOS",
    streamFiles: false,
  });
}

/** The entries of a zip, in the order the zip lists them. Folder entries are skipped. */
export async function readZip(content: Buffer, file: string): Promise<Map<string, Buffer>> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(content, { checkCRC32: true, createFolders: false });
  } catch (error) {
    fail(
      "INVALID_PACKAGE",
      file,
      `not a readable zip file (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const entries = new Map<string, Buffer>();
  for (const entry of Object.values(zip.files)) {
    if (!entry.dir) entries.set(entry.name, await entry.async("nodebuffer"));
  }
  return entries;
}
