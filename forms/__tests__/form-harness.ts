/// <reference types="xrm" />
/**
 * An xrm-mock form for one of the five tables, driven the way the platform drives it: OnLoad with
 * the form's event context, OnSave with a save-event context per save mode (async handlers on or
 * off), the save committed only when no handler cancelled it, OnPostSave after a commit, and
 * `formContext.data.save(...)` raising OnSave again; app notifications (`Xrm.App`) with their
 * action buttons; the web client or the mobile app (`getClient()`). Only the platform is simulated;
 * the form scripts run unchanged.
 */
import type { ColumnDefinition } from "@fsi/core/dataverse/schema";
import type { IntegrationTableName } from "@fsi/core/dataverse/tables";
import { tableByLogicalName } from "@fsi/core/dataverse/tables";
import { SYNC_STATUS_COLUMNS } from "@fsi/core/registration/step-columns";
import type { AttributeMock, EntityMock, SaveEventArgumentsMock } from "xrm-mock";
import { SaveEventContextMock, XrmMockGenerator } from "xrm-mock";
import { PostSaveEventArgumentsMock } from "xrm-mock/dist/xrm-mock/events/postsaveeventarguments.mock";
import { PostSaveEventContextMock } from "xrm-mock/dist/xrm-mock/events/postsaveeventcontext.mock";
import { SaveEventContextAsyncMock } from "xrm-mock/dist/xrm-mock/events/saveeventcontextasync.mock";
import type { FormsDataverse } from "./dataverse";

export interface FormScripts {
  onLoad(executionContext: Xrm.Events.EventContext): unknown;
  onSave(executionContext: Xrm.Events.SaveEventContext): unknown;
}

export interface FormOptions {
  readonly table: IntegrationTableName;
  /** An existing row (an update form): its id and saved values. Omit for a new row. */
  readonly existing?: { readonly id: string; readonly values: Readonly<Record<string, unknown>> };
  /** The app's "async save handlers" setting; on unless a test says otherwise. */
  readonly asyncSaveHandlers?: boolean;
  readonly offline?: boolean;
  /** Whether the form carries the sync status columns (the SCM panel's bindings). */
  readonly syncColumns?: boolean;
  /** `getClient()`: the web client (default) or the mobile app. */
  readonly client?: "Web" | "Mobile";
}

export interface AppNotification {
  readonly id: string;
  readonly level: number;
  readonly message: string;
  readonly actionLabel: string | undefined;
  /** The user clicks the action button. */
  click(): void;
}

export interface SaveAttempt {
  /** The user's save reached the server, at once or after the handler's own re-save. */
  readonly saved: boolean;
  /** The arguments of the user's save event. */
  readonly args: SaveEventArgumentsMock;
  /** The user's save event itself went through (not cancelled). */
  readonly committedAtOnce: boolean;
}

type AnyAttribute = AttributeMock<never, never, never> & Xrm.Attributes.Attribute;

const formTypeCreate = 1;
const formTypeUpdate = 2;

/**
 * The columns a main form shows: everything a user can edit (not ids, not platform-set columns).
 * The sync status column only when asked: on the solution's forms it is the SCM panel's binding,
 * and with it every successful save starts the form's re-reads of SCM's side (sync-watch.ts).
 */
function formColumns(table: IntegrationTableName, syncColumns: boolean): [string, ColumnDefinition][] {
  const definition = tableByLogicalName(table);
  if (definition === undefined) throw new Error(`no table ${table}`);
  return Object.entries(definition.columns).filter(
    ([name, column]) =>
      column.type !== "uniqueidentifier" &&
      column.readOnly !== true &&
      (syncColumns || name !== SYNC_STATUS_COLUMNS[0]),
  );
}

function addAttribute(name: string, column: ColumnDefinition, value: unknown): void {
  const control = { label: column.displayName };
  switch (column.type) {
    case "string":
    case "memo":
      XrmMockGenerator.Attribute.createString({ name, value: (value as string | undefined) ?? null }, control);
      return;
    case "integer":
    case "decimal":
    case "double":
    case "money":
      XrmMockGenerator.Attribute.createNumber(
        {
          name,
          value: (value as number | undefined) ?? null,
          attributeType: column.type === "double" ? "double" : column.type,
        },
        control,
      );
      return;
    case "boolean":
      XrmMockGenerator.Attribute.createBoolean({ name, value: (value as boolean | undefined) ?? false }, control);
      return;
    case "choice":
    case "state":
    case "status":
      XrmMockGenerator.Attribute.createOptionSet(
        {
          name,
          value: (value as number | undefined) ?? null,
          options: column.options.map((o) => ({ text: o.label, value: o.value })),
        },
        control,
      );
      return;
    case "datetime":
      XrmMockGenerator.Attribute.createDate({ name, value: (value as Date | undefined) ?? null }, control);
      return;
    case "lookup":
      XrmMockGenerator.Attribute.createLookup(
        { name, value: (value as Xrm.LookupValue[] | undefined) ?? null },
        control,
      );
      return;
    case "uniqueidentifier":
      return;
  }
}

export class FormHarness {
  readonly formContext: Xrm.FormContext;
  /** Save modes of the saves that reached the server, in order. */
  readonly commits: number[] = [];
  readonly openedForms: Xrm.Navigation.EntityFormOptions[] = [];
  /** App notifications shown now (`Xrm.App.addGlobalNotification`). */
  readonly appNotifications: AppNotification[] = [];
  closed = 0;
  offline: boolean;
  asyncSaveHandlers: boolean;
  private formType: number;

  constructor(
    private readonly scripts: FormScripts,
    options: FormOptions,
    dataverse: FormsDataverse,
  ) {
    const xrm = XrmMockGenerator.initialise({
      entity: { entityName: options.table, id: options.existing?.id ?? "", primaryValue: "" },
    });
    dataverse.install(xrm);
    this.formContext = XrmMockGenerator.getFormContext();
    this.offline = options.offline ?? false;
    this.asyncSaveHandlers = options.asyncSaveHandlers ?? true;
    this.formType = options.existing === undefined ? formTypeCreate : formTypeUpdate;
    this.entity.id = options.existing?.id ?? "";
    for (const [name, column] of formColumns(options.table, options.syncColumns ?? false))
      addAttribute(name, column, options.existing?.values[name]);

    const client = XrmMockGenerator.context.client as Xrm.ClientContext & { clientState: Xrm.ClientState };
    client.getClientState = () => (this.offline ? "Offline" : "Online");
    client.isOffline = () => this.offline;
    client.getClient = () => options.client ?? "Web";
    const globalContext = XrmMockGenerator.context as unknown as Record<string, unknown>;
    globalContext.getClientUrl = () => "https://contoso.crm.dynamics.com";
    let nextNotification = 0;
    (xrm as unknown as { App: unknown }).App = {
      addGlobalNotification: (notification: Xrm.App.Notification) => {
        nextNotification += 1;
        const id = `app-${nextNotification}`;
        this.appNotifications.push({
          id,
          level: notification.level,
          message: notification.message,
          actionLabel: notification.action?.actionLabel,
          click: () => notification.action?.eventHandler?.(),
        });
        return Promise.resolve(id);
      },
      clearGlobalNotification: (id: string) => {
        const index = this.appNotifications.findIndex((shown) => shown.id === id);
        if (index >= 0) this.appNotifications.splice(index, 1);
        return Promise.resolve();
      },
    };
    this.formContext.ui.getFormType = () => this.formType as XrmEnum.FormType;
    this.formContext.ui.close = () => {
      this.closed += 1;
    };
    // The platform's promises are jQuery-like (`fail`, `always`); the scripts only use `then`.
    xrm.Navigation.openForm = ((formOptions: Xrm.Navigation.EntityFormOptions) => {
      this.openedForms.push(formOptions);
      return Promise.resolve({ savedEntityReference: [] });
    }) as unknown as typeof xrm.Navigation.openForm;
    this.formContext.data.save = (async (saveOptions?: Xrm.SaveOptions) => {
      const attempt = await this.raiseSave((saveOptions?.saveMode as number | undefined) ?? 1);
      if (!attempt.saved) throw Object.assign(new Error("The save was cancelled."), { errorCode: 0x80040265 });
    }) as unknown as typeof this.formContext.data.save;
  }

  private get entity(): EntityMock {
    return this.formContext.data.entity as unknown as EntityMock;
  }

  attribute(column: string): AnyAttribute {
    const attribute = this.formContext.getAttribute(column);
    if (attribute === null) throw new Error(`no attribute ${column} on the form`);
    return attribute as AnyAttribute;
  }

  /** OnLoad, as the form raises it (the solution registers it with "pass execution context"). */
  async load(): Promise<void> {
    await this.scripts.onLoad(XrmMockGenerator.getEventContext());
  }

  /** The user types a value (no OnChange until they leave the field). */
  set(column: string, value: unknown): void {
    this.attribute(column).setValue(value as never);
  }

  /** The user changes a value and leaves the field: OnChange fires. */
  change(column: string, value: unknown): void {
    this.set(column, value);
    this.attribute(column).fireOnChange();
  }

  /**
   * The user (or the autosave timer) saves with `saveMode`; resolves once the platform and the
   * handler's own work (its check, its re-save) are done.
   */
  async save(saveMode = 1): Promise<SaveAttempt> {
    const before = this.commits.length;
    const event = await this.raiseSave(saveMode);
    await settle();
    return { saved: this.commits.length > before, args: event.args, committedAtOnce: event.saved };
  }

  /** Starts a save without waiting for the handler's work (a first click while a second one follows). */
  startSave(saveMode = 1): Promise<{ saved: boolean; args: SaveEventArgumentsMock }> {
    return this.raiseSave(saveMode);
  }

  fieldNotifications(column: string): string[] {
    const messages: string[] = [];
    this.attribute(column).controls.forEach((control) => {
      const notifications = (
        control as unknown as { getNotifications(): Xrm.Controls.AddControlNotificationOptions[] }
      ).getNotifications();
      for (const notification of notifications) messages.push(...notification.messages);
    });
    return messages;
  }

  formNotifications(): { message: string; level: string; uniqueId: string }[] {
    const ui = this.formContext.ui as unknown as {
      formNotifications?: { message: string; level: string; uniqueId: string }[];
    };
    return [...(ui.formNotifications ?? [])];
  }

  formNotification(uniqueId: string): { message: string; level: string } | undefined {
    return this.formNotifications().find((n) => n.uniqueId === uniqueId);
  }

  private async raiseSave(saveMode: number): Promise<{ saved: boolean; args: SaveEventArgumentsMock }> {
    const components = {
      saveMode: saveMode as XrmEnum.SaveMode,
      formContext: this.formContext,
      context: XrmMockGenerator.context,
    };
    const context = this.asyncSaveHandlers
      ? new SaveEventContextAsyncMock(components)
      : new SaveEventContextMock(components);
    const args = context.getEventArgs() as SaveEventArgumentsMock;
    const returned = this.scripts.onSave(context);
    let rejection: unknown;
    // With async handlers off the platform does not wait for a returned promise.
    if (this.asyncSaveHandlers && isThenable(returned)) {
      await Promise.resolve(returned).catch((error: unknown) => {
        rejection = error ?? new Error("rejected");
      });
    }
    const cancelled = args.isDefaultPrevented() || (rejection !== undefined && args.preventOnError);
    if (!cancelled) this.commit(saveMode);
    return { saved: !cancelled, args };
  }

  private commit(saveMode: number): void {
    this.commits.push(saveMode);
    this.formContext.data.entity.attributes.forEach((attribute) => {
      (attribute as unknown as AttributeMock<never, never, never>).isDirty = false;
    });
    if (this.formType === formTypeCreate) {
      this.entity.id = `{${crypto.randomUUID().toUpperCase()}}`;
      this.formType = formTypeUpdate;
    }
    const postSave = new PostSaveEventContextMock({
      formContext: this.formContext,
      eventArgs: new PostSaveEventArgumentsMock({
        isSaveSuccess: true,
        entityReference: this.entity.getEntityReference(),
      }),
    });
    for (const handler of this.entity.postSaveEventHandlers) handler(postSave);
  }
}

/** A promise from any realm (the built bundle runs in a vm context of its own). */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

/** Lets every pending promise and I/O callback run (the replay after a sync-mode check). */
export async function settle(): Promise<void> {
  for (let turn = 0; turn < 20; turn += 1) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
