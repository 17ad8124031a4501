/**
 * The form on the page: the command bar (Save, Save & Close, Save & New, Refresh), the header,
 * form-level notifications, the tabs and sections, and each cell — a label, the platform's field
 * control or a code component, and the cell's notifications. Built once, then brought up to date
 * whenever the form's runtime reports a change (the user's typing is never overwritten).
 */
import type { AppDescription, CellDescription } from "../../shared/contract";
import { unsavedChangesDialog } from "../dialogs";
import { h, replaceChildren, uniqueId } from "../dom";
import { PcfCell } from "../pcf/control-host";
import { viewportFormFactor } from "../session";
import { localized, platformStrings } from "../platform-strings";
import type { SandboxWebApi } from "../web-api";
import type { HostStandardControl, HostTab } from "../xrm/controls";
import { editorFor, type FieldEditor } from "./editors";
import { type FormRuntime, SaveMode } from "./runtime";

interface CellView {
  readonly control: HostStandardControl;
  readonly root: HTMLElement;
  readonly label: HTMLElement;
  readonly required: HTMLElement;
  readonly messages: HTMLElement;
  readonly editor: FieldEditor | undefined;
  readonly pcf: PcfCell | undefined;
  invalidInput: string | undefined;
}

/** The code component a cell shows on this form factor (FormXml formFactor: 0 web, 1 tablet, 2 phone). */
function placementFor(cell: CellDescription) {
  const formFactor = { 1: 0, 2: 1, 3: 2 }[viewportFormFactor()];
  return cell.customControls.find((custom) => custom.formFactor === formFactor);
}

export class FormView {
  readonly root: HTMLElement;
  private readonly cells: CellView[] = [];
  private readonly notificationArea: HTMLElement;
  private readonly tabList: HTMLElement;
  private readonly tabPanels = new Map<HostTab, HTMLElement>();
  private readonly title: HTMLElement;
  private readonly status: HTMLElement;
  private readonly buttons: HTMLButtonElement[] = [];

  constructor(
    private readonly app: AppDescription,
    private readonly runtime: FormRuntime,
    private readonly webApi: SandboxWebApi,
    private readonly onBack: () => void,
  ) {
    this.title = h("h1", { className: "form-title" });
    this.status = h("span", { className: "command-status", attributes: { role: "status", "aria-live": "polite" } });
    this.notificationArea = h("div", {
      className: "form-notifications",
      attributes: { "aria-label": platformStrings().formNotifications, role: "region" },
    });
    this.tabList = h("div", {
      className: "tab-list",
      attributes: { role: "tablist", "aria-label": platformStrings().formTabs },
    });
    const body = h(
      "div",
      { className: "form-body" },
      runtime.tabs().map((tab) => this.tabPanel(tab)),
    );
    this.root = h(
      "div",
      { className: "form", attributes: { "data-table": runtime.tableName, "data-form-state": "loading" } },
      [
        this.commandBar(),
        h("div", { className: "form-header" }, [
          this.title,
          h("p", {
            className: "form-subtitle",
            text: `${platformStrings().tables[runtime.tableName]?.[0] ?? runtime.table.displayName} · ${localized(runtime.form.names, runtime.form.name)}`,
          }),
        ]),
        this.notificationArea,
        this.tabList,
        body,
      ],
    );
    runtime.onChange(() => {
      this.refresh();
    });
    runtime.onFocusRequest((control) => {
      this.cells.find((cell) => cell.control === control)?.editor?.focusTarget.focus();
    });
    this.refresh();
  }

  /**
   * Before leaving the form or reading it again: with unsaved changes, ask (save and go on, discard,
   * or stay), as a model-driven app does. Resolves true when the caller may go on.
   */
  private async mayLeave(): Promise<boolean> {
    if (!this.runtime.formContext.data.entity.getIsDirty()) return true;
    const choice = await unsavedChangesDialog();
    if (choice === "stay") return false;
    if (choice === "discard") return true;
    return this.runtime.saveFromCommand(SaveMode.Save);
  }

  private commandBar(): HTMLElement {
    const commands: readonly { label: string; action: () => void; primary?: boolean; overflow?: boolean }[] = [
      {
        label: platformStrings().back,
        action: () => {
          void this.mayLeave().then((go) => {
            if (go) this.onBack();
          });
        },
      },
      { label: platformStrings().save, action: () => void this.runtime.saveFromCommand(SaveMode.Save), primary: true },
      {
        label: platformStrings().saveAndClose,
        action: () => void this.runtime.saveFromCommand(SaveMode.SaveAndClose),
        overflow: true,
      },
      {
        label: platformStrings().saveAndNew,
        action: () => void this.runtime.saveFromCommand(SaveMode.SaveAndNew),
        overflow: true,
      },
      {
        label: platformStrings().refresh,
        overflow: true,
        action: () => {
          void this.mayLeave()
            .then(async (go) => {
              if (go) await this.runtime.refresh(false);
            })
            .catch((error: unknown) => {
              this.runtime.showHostMessage({
                id: "refresh-error",
                level: "ERROR",
                message: `Refresh failed: ${error instanceof Error ? error.message : String(error)}`,
              });
            });
        },
      },
    ];
    const button = (command: (typeof commands)[number]): HTMLButtonElement => {
      const className = [
        "command",
        command.primary === true ? "primary" : "",
        command.overflow === true ? "overflowable" : "",
      ]
        .filter((name) => name !== "")
        .join(" ");
      const element = h("button", {
        className,
        text: command.label,
        attributes: { type: "button" },
        on: { click: command.action },
      });
      this.buttons.push(element);
      return element;
    };
    return h(
      "div",
      { className: "command-bar", attributes: { role: "toolbar", "aria-label": platformStrings().commands } },
      [
        ...commands.map(button),
        this.overflowMenu(commands.filter((command) => command.overflow === true)),
        this.status,
      ],
    );
  }

  /**
   * The "…" button a narrow command bar folds its last commands into (Dataverse's "More commands"
   * overflow); shown by the stylesheet only where the bar is too narrow for every button.
   */
  private overflowMenu(commands: readonly { label: string; action: () => void }[]): HTMLElement {
    const menuId = uniqueId("more-commands");
    const toggle = h("button", {
      className: "command command-more",
      text: "…",
      attributes: {
        type: "button",
        "aria-label": platformStrings().moreCommands,
        "aria-haspopup": "menu",
        "aria-expanded": "false",
        "aria-controls": menuId,
      },
    });
    const close = (): void => {
      menu.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
    };
    const items = commands.map((command) => {
      const item = h("button", {
        className: "menu-item",
        text: command.label,
        attributes: { type: "button", role: "menuitem" },
        on: {
          click: () => {
            close();
            command.action();
          },
        },
      });
      this.buttons.push(item);
      return item;
    });
    const menu = h(
      "div",
      {
        className: "command-menu",
        attributes: { id: menuId, role: "menu", "aria-label": platformStrings().moreCommands },
      },
      items,
    );
    menu.hidden = true;
    menu.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        close();
        toggle.focus();
      }
    });
    toggle.addEventListener("click", () => {
      const open = menu.hidden;
      menu.hidden = !open;
      toggle.setAttribute("aria-expanded", String(open));
      if (open) items[0]?.focus();
    });
    this.buttons.push(toggle);
    return h("div", { className: "command-more-wrapper" }, [toggle, menu]);
  }

  private tabPanel(tab: HostTab): HTMLElement {
    const tabId = uniqueId("tab");
    const panel = h("div", {
      className: "tab-panel",
      attributes: { role: "tabpanel", id: `${tabId}-panel`, "aria-labelledby": tabId },
    });
    const tabButton = h("button", {
      className: "tab",
      text: tab.getLabel(),
      attributes: { role: "tab", id: tabId, type: "button", "aria-controls": panel.id },
      on: {
        click: () => {
          tab.setFocus();
        },
      },
    });
    this.tabList.append(tabButton);
    for (const section of tab.sectionList) {
      const heading = h("h2", { className: "section-title", text: section.getLabel() });
      const sectionElement = h(
        "section",
        {
          className: "form-section",
          attributes: { "data-section": section.getName(), "aria-label": section.getLabel() },
        },
        [heading],
      );
      sectionElement.hidden = !section.getVisible();
      for (const control of section.controlList) sectionElement.append(this.cell(control));
      panel.append(sectionElement);
    }
    this.tabPanels.set(tab, panel);
    return panel;
  }

  private cell(control: HostStandardControl): HTMLElement {
    const description = this.runtime.cellOf.get(control);
    const attribute = control.getAttribute();
    const id = uniqueId(`field-${control.getName()}`);
    const messagesId = `${id}-messages`;
    // The marker sits beside the label, not in it: the field's name stays its label; aria-required says it.
    const required = h("span", { className: "required-marker", text: "*", attributes: { "aria-hidden": "true" } });
    const label = h("label", { attributes: { for: id, id: `${id}-label` } }, [control.getLabel()]);
    const messages = h("div", { className: "field-messages", attributes: { id: messagesId } });
    const placement = description === undefined ? undefined : placementFor(description);
    const controlDescription =
      placement === undefined ? undefined : this.app.controls.find((candidate) => candidate.name === placement.name);
    // FormXml's `showlabel="false"`: the control takes the whole row; the label stays, visually
    // hidden, as the field's accessible name.
    const labelHidden = description?.showLabel === false;
    const labelClass = labelHidden ? "field-label visually-hidden" : "field-label";
    const root = h("div", {
      className: labelHidden ? "cell label-hidden" : "cell",
      attributes: { "data-control": control.getName(), "data-column": attribute.getName() },
    });
    let view: CellView;
    if (placement !== undefined && controlDescription !== undefined) {
      const container = h("div", {
        className: "pcf-container",
        attributes: {
          id,
          role: "group",
          "aria-labelledby": `${id}-label`,
          "aria-describedby": messagesId,
          "data-pcf-control": controlDescription.name,
        },
      });
      const labelElement = h("span", { attributes: { id: `${id}-label` } }, [control.getLabel()]);
      const pcf = new PcfCell({
        app: this.app,
        runtime: this.runtime,
        control,
        placement,
        description: controlDescription,
        webApi: this.webApi,
        container,
        onError: (message) => {
          this.runtime.showHostMessage({ id: `pcf:${control.getName()}`, level: "ERROR", message });
        },
      });
      root.append(h("div", { className: labelClass }, [labelElement, required]), container, messages);
      view = {
        control,
        root,
        label: labelElement,
        required,
        messages,
        editor: undefined,
        pcf,
        invalidInput: undefined,
      };
      void pcf.start().catch((error: unknown) => {
        this.runtime.showHostMessage({
          id: `pcf:${control.getName()}`,
          level: "ERROR",
          message: `${controlDescription.name} could not start: ${error instanceof Error ? error.message : String(error)}`,
        });
      });
    } else {
      const cellView: { invalidInput: string | undefined } = { invalidInput: undefined };
      const editor = editorFor(id, attribute, this.webApi, (message) => {
        cellView.invalidInput = message;
        this.refresh();
      });
      editor.focusTarget.setAttribute("aria-describedby", messagesId);
      root.append(h("div", { className: labelClass }, [label, required]), editor.element, messages);
      view = Object.assign(cellView, { control, root, label, required, messages, editor, pcf: undefined });
    }
    this.cells.push(view);
    return root;
  }

  /** Brings the page up to date with the runtime. */
  refresh(): void {
    this.title.textContent = this.runtime.formTitle();
    document.title = `${this.runtime.formTitle()} - ${this.runtime.table.displayName}`;
    this.status.textContent = this.runtime.busy ?? "";
    for (const button of this.buttons)
      button.disabled = this.runtime.busy !== undefined && button.textContent !== platformStrings().back;
    this.refreshNotifications();
    for (const [tab, panel] of this.tabPanels) {
      const selected = tab === this.runtime.selectedTab;
      panel.hidden = !selected || !tab.getVisible();
      const button = this.tabList.querySelector<HTMLElement>(`[aria-controls="${panel.id}"]`);
      if (button !== null) {
        button.setAttribute("aria-selected", String(selected));
        button.hidden = !tab.getVisible();
        button.tabIndex = selected ? 0 : -1;
      }
    }
    for (const cell of this.cells) this.refreshCell(cell);
  }

  private refreshNotifications(): void {
    const icon = { ERROR: "✖", WARNING: "⚠", INFO: "ℹ" } as const;
    const notification = (level: "ERROR" | "WARNING" | "INFO", message: string, id: string, dismiss?: () => void) =>
      h(
        "div",
        {
          className: `notification ${level.toLowerCase()}`,
          attributes: { role: level === "ERROR" ? "alert" : "status", "data-notification-id": id, "data-level": level },
        },
        [
          h("span", { className: "notification-icon", text: icon[level], attributes: { "aria-hidden": "true" } }),
          h("span", { className: "notification-text", text: message }),
          dismiss === undefined
            ? null
            : h("button", {
                className: "dismiss",
                text: "×",
                attributes: { type: "button", "aria-label": "Dismiss" },
                on: { click: dismiss },
              }),
        ],
      );
    replaceChildren(this.notificationArea, [
      ...this.runtime.formNotifications().map((item) => notification(item.level, item.message, item.uniqueId)),
      ...this.runtime.hostMessages().map((item) =>
        notification(item.level, item.message, `host:${item.id}`, () => {
          this.runtime.dismissHostMessage(item.id);
        }),
      ),
    ]);
  }

  private refreshCell(cell: CellView): void {
    const { control } = cell;
    const attribute = control.getAttribute();
    const locked = this.runtime.isLocked(attribute);
    cell.root.hidden = !control.getVisible() || control.parent?.getVisible() === false;
    if (cell.label.textContent !== control.getLabel()) cell.label.textContent = control.getLabel();
    const level = attribute.getRequiredLevel();
    cell.required.hidden = level !== "required";
    cell.root.dataset.required = level;
    cell.editor?.show();
    cell.editor?.setDisabled(control.getDisabled() || locked);
    const messages = [
      ...control
        .notificationList()
        .flatMap((notification) => notification.messages.map((message) => ({ level: notification.level, message }))),
      ...(cell.invalidInput === undefined ? [] : [{ level: "ERROR" as const, message: cell.invalidInput }]),
      ...(attribute.isValid()
        ? []
        : [{ level: "ERROR" as const, message: attribute.invalidMessage() ?? "The value is not valid." }]),
    ];
    cell.root.classList.toggle(
      "has-error",
      messages.some((message) => message.level === "ERROR"),
    );
    cell.editor?.focusTarget.setAttribute(
      "aria-invalid",
      String(messages.some((message) => message.level === "ERROR")),
    );
    if (level === "required") cell.editor?.focusTarget.setAttribute("aria-required", "true");
    else cell.editor?.focusTarget.removeAttribute("aria-required");
    replaceChildren(
      cell.messages,
      messages.map((message) =>
        h("p", {
          className: `field-message ${message.level.toLowerCase()}`,
          text: message.message,
          attributes: { role: message.level === "ERROR" ? "alert" : "status" },
        }),
      ),
    );
  }

  /** OnLoad finished: tests and people can tell the form is ready. */
  markReady(): void {
    this.root.dataset.formState = "ready";
  }

  destroy(): void {
    for (const cell of this.cells) cell.pcf?.destroy();
  }
}
