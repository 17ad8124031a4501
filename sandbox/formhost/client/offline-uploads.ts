/**
 * What the Field Service mobile app does with changes made offline: they are kept on the device
 * and uploaded by the next sync, which runs once the app is connected; the app shows that changes
 * wait to upload (their number counts updates, not rows) and when a sync hit an error. Sources:
 * PA `powerapps-docs/mobile/offline-sync-icon.md` ("updated data on the device is waiting to
 * synchronize with the server", "pending changes to upload", sync errors) and CE
 * `ce/field-service/mobile-power-app-system-offline-sync.md` (offline-first; a sync starts only when
 * the app is active and connected). Kept in order; a change the server refuses stays on the device
 * with the server's error until the user discards it or a later sync sends it again.
 *
 * Here the device is the browser's localStorage, the writes are `Xrm.WebApi` creates, updates and
 * deletes (the form's own saves go through them), and "back online" is the header's Offline switch
 * turned off (or any page opened online while changes wait).
 */
export type UploadOperation = "create" | "update" | "delete";

export interface QueuedUpload {
  readonly sequence: number;
  readonly table: string;
  /** The row's id; a create made offline gets its id on the device, as the mobile app's do. */
  readonly id: string;
  readonly operation: UploadOperation;
  /** Web API body (create, update). */
  readonly body: Readonly<Record<string, unknown>>;
  /** How the list names the row (its primary name, else the table's). */
  readonly label: string;
  readonly queuedOn: string;
  /** How many updates the row took on the device (the mobile app counts updates, not rows). */
  readonly changes: number;
  /** The server's refusal at the last upload. */
  readonly error?: string;
}

/** Sends one upload to the server; rejects with the server's error. */
export type UploadSender = (upload: QueuedUpload) => Promise<void>;

/** The part of the Web Storage API the queue uses. */
export type DeviceStorage = Pick<Storage, "getItem" | "setItem">;

const storageKey = "fsi-formhost-offline-uploads";

function isUpload(value: unknown): value is QueuedUpload {
  if (typeof value !== "object" || value === null) return false;
  const { sequence, table, id, operation, body, label, changes } = value as Record<string, unknown>;
  return (
    typeof sequence === "number" &&
    typeof changes === "number" &&
    typeof table === "string" &&
    typeof id === "string" &&
    (operation === "create" || operation === "update" || operation === "delete") &&
    typeof body === "object" &&
    body !== null &&
    typeof label === "string"
  );
}

export class OfflineUploads {
  private readonly listeners = new Set<() => void>();
  private sending: Promise<void> | undefined;

  constructor(
    private readonly storage: DeviceStorage,
    private readonly send: UploadSender,
  ) {}

  list(): QueuedUpload[] {
    try {
      const value = JSON.parse(this.storage.getItem(storageKey) ?? "[]") as unknown;
      return Array.isArray(value) ? value.filter(isUpload) : [];
    } catch {
      return [];
    }
  }

  private save(uploads: readonly QueuedUpload[]): void {
    this.storage.setItem(storageKey, JSON.stringify(uploads));
    for (const listener of this.listeners) listener();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Keeps a change on the device. A later change of a row still waiting folds into it (the device
   * holds the row's latest state); deleting a row created offline drops its create.
   */
  enqueue(change: Omit<QueuedUpload, "sequence" | "queuedOn" | "changes" | "error">): void {
    const uploads = this.list();
    const waiting = uploads.findIndex((upload) => upload.table === change.table && upload.id === change.id);
    const existing = waiting >= 0 ? uploads[waiting] : undefined;
    if (existing !== undefined && change.operation !== "delete" && existing.operation !== "delete") {
      // A new edit of a refused change is a new attempt: its old error no longer applies.
      uploads[waiting] = {
        sequence: existing.sequence,
        table: existing.table,
        id: existing.id,
        operation: existing.operation,
        body: { ...existing.body, ...change.body },
        label: change.label,
        queuedOn: existing.queuedOn,
        changes: existing.changes + 1,
      };
      this.save(uploads);
      return;
    }
    if (existing !== undefined && change.operation === "delete" && existing.operation === "create") {
      uploads.splice(waiting, 1);
      this.save(uploads);
      return;
    }
    const sequence = uploads.reduce((last, upload) => Math.max(last, upload.sequence), 0) + 1;
    this.save([
      ...uploads.filter((_, index) => index !== waiting),
      { ...change, sequence, queuedOn: new Date().toISOString(), changes: 1 },
    ]);
  }

  discard(sequence: number): void {
    this.save(this.list().filter((upload) => upload.sequence !== sequence));
  }

  /** A change made offline of this row, if one waits (for reading the row back on the device). */
  waitingFor(table: string, id: string): QueuedUpload | undefined {
    return this.list().find((upload) => upload.table === table && upload.id === id.replace(/[{}]/g, "").toLowerCase());
  }

  /**
   * Uploads every waiting change in order. A refused change keeps its place with the server's
   * error; the others go on. One upload at a time however often it is asked for.
   */
  uploadAll(): Promise<void> {
    this.sending ??= this.uploadInOrder().finally(() => {
      this.sending = undefined;
    });
    return this.sending;
  }

  private async uploadInOrder(): Promise<void> {
    for (const upload of this.list()) {
      try {
        await this.send(upload);
        this.save(this.list().filter((other) => other.sequence !== upload.sequence));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.save(
          this.list().map((other) => (other.sequence === upload.sequence ? { ...other, error: message } : other)),
        );
      }
    }
  }
}
