/**
 * The header's "changes to upload" status, as the mobile app's offline sync icon and Device Status
 * page show it (PA `powerapps-docs/mobile/offline-sync-icon.md`): how many changes wait on the
 * device, which ones the server refused and why, a way to discard a refused one, and an upload on
 * demand while online. Hidden while nothing waits.
 */
import { h } from "../dom";
import type { OfflineUploads, QueuedUpload } from "../offline-uploads";
import { platformStrings } from "../platform-strings";
import { onSessionChange, sessionSettings } from "../session";

function item(uploads: OfflineUploads, upload: QueuedUpload): HTMLElement {
  const strings = platformStrings();
  const operation = strings.uploadOperations[upload.operation];
  if (upload.error === undefined) return h("li", { text: strings.uploadWaiting(upload.label, operation) });
  return h("li", { className: "upload-refused" }, [
    h("span", { text: strings.uploadRefused(upload.label, operation, upload.error), attributes: { role: "alert" } }),
    h("button", {
      text: strings.discardUpload,
      attributes: { type: "button", "aria-label": `${strings.discardUpload}: ${upload.label}` },
      on: {
        click: () => {
          uploads.discard(upload.sequence);
        },
      },
    }),
  ]);
}

export function uploadsStatus(uploads: OfflineUploads): HTMLElement {
  const summary = h("summary");
  const list = h("ul");
  const uploadNow = h("button", {
    text: platformStrings().uploadNow,
    attributes: { type: "button" },
    on: {
      click: () => {
        void uploads.uploadAll();
      },
    },
  });
  const hint = h("p", { className: "uploads-hint", text: platformStrings().uploadRefusedHint });
  const status = h("details", { className: "uploads-status" }, [summary, list, hint, uploadNow]);
  const render = (): void => {
    const waiting = uploads.list();
    status.hidden = waiting.length === 0;
    const changes = waiting.reduce((sum, upload) => sum + upload.changes, 0);
    const refused = waiting.filter((upload) => upload.error !== undefined).length;
    summary.textContent = [
      platformStrings().uploadsWaiting(changes),
      ...(refused > 0 ? [platformStrings().uploadsFailed(refused)] : []),
    ].join(" · ");
    status.classList.toggle("has-refused", refused > 0);
    hint.hidden = refused === 0;
    // A refusal is opened at once so the user sees the server's reason.
    if (refused > 0) status.open = true;
    list.replaceChildren(...waiting.map((upload) => item(uploads, upload)));
    uploadNow.hidden = sessionSettings().offline;
  };
  uploads.onChange(render);
  onSessionChange(render);
  render();
  return status;
}
