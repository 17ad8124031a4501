/**
 * Modal dialogs the platform opens for scripts and controls (`Xrm.Navigation.openAlertDialog`,
 * `openConfirmDialog`, `openErrorDialog`, the lookup dialog of `utils.lookupObjects`), on the
 * browser's `<dialog>` element: focus moves in, Escape closes, and the page behind is inert.
 */
import { h } from "./dom";
import { platformStrings } from "./platform-strings";

function showDialog(
  title: string,
  body: readonly Node[],
  buttons: readonly { label: string; value: string; primary?: boolean }[],
): Promise<string> {
  return new Promise((resolve) => {
    const heading = h("h2", {
      className: "dialog-title",
      text: title,
      attributes: { id: `dialog-title-${Date.now()}` },
    });
    const dialog = h("dialog", { className: "host-dialog", attributes: { "aria-labelledby": heading.id } }, [
      heading,
      h("div", { className: "dialog-body" }, [...body]),
      h(
        "div",
        { className: "dialog-buttons" },
        buttons.map((button) =>
          h("button", {
            className: button.primary === true ? "primary" : "",
            text: button.label,
            attributes: { type: "button" },
            on: {
              click: () => {
                dialog.close(button.value);
              },
            },
          }),
        ),
      ),
    ]);
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(dialog.returnValue);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

export async function alertDialog(title: string, text: string, confirmLabel = "OK"): Promise<void> {
  await showDialog(title, [h("p", { text })], [{ label: confirmLabel, value: "ok", primary: true }]);
}

export async function confirmDialog(
  title: string,
  text: string,
  confirmLabel = "OK",
  cancelLabel = "Cancel",
): Promise<boolean> {
  const value = await showDialog(
    title,
    [h("p", { text })],
    [
      { label: confirmLabel, value: "confirm", primary: true },
      { label: cancelLabel, value: "cancel" },
    ],
  );
  return value === "confirm";
}

/**
 * What a model-driven app asks before leaving a form with unsaved changes: save and go on, discard
 * the changes and go on, or stay (Escape or closing the dialog stays too).
 */
export async function unsavedChangesDialog(): Promise<"save" | "discard" | "stay"> {
  const words = platformStrings();
  const value = await showDialog(
    words.unsavedTitle,
    [h("p", { text: words.unsavedBody })],
    [
      { label: words.saveAndContinue, value: "save", primary: true },
      { label: words.discardChanges, value: "discard" },
      { label: words.cancel, value: "stay" },
    ],
  );
  return value === "save" || value === "discard" ? value : "stay";
}

export interface LookupRow {
  readonly id: string;
  readonly name: string;
  readonly detail: string;
}

/** A searchable list of rows; resolves with the chosen row, or undefined when cancelled. */
export function lookupDialog(
  title: string,
  search: (text: string) => Promise<readonly LookupRow[]>,
): Promise<LookupRow | undefined> {
  const input = h("input", { attributes: { type: "search", "aria-label": "Search", placeholder: "Search" } });
  const list = h("ul", { className: "lookup-results", attributes: { role: "listbox", "aria-label": "Results" } });
  let rows: readonly LookupRow[] = [];
  let chosen: LookupRow | undefined;
  const render = (): void => {
    list.replaceChildren(
      ...rows.map((row) =>
        h("li", { attributes: { role: "option", "aria-selected": "false" } }, [
          h(
            "button",
            {
              attributes: { type: "button" },
              on: {
                click: (event) => {
                  chosen = row;
                  (event.currentTarget as HTMLElement).closest("dialog")?.close("chosen");
                },
              },
            },
            [
              h("span", { className: "lookup-name", text: row.name }),
              h("span", { className: "lookup-detail", text: row.detail }),
            ],
          ),
        ]),
      ),
    );
  };
  const refresh = (): void => {
    void search(input.value).then((found) => {
      rows = found;
      render();
    });
  };
  input.addEventListener("input", refresh);
  refresh();
  return showDialog(title, [input, list], [{ label: "Cancel", value: "cancel" }]).then(() => chosen);
}
