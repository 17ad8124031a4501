/**
 * `Xrm.App.addGlobalNotification` / `clearGlobalNotification` (PA
 * `clientapi/reference/xrm-app/xrm-app-addglobalnotification.md`): a message bar at the top of the
 * app (type 2, the only type supported), levels 1 success, 2 error, 3 warning, 4 information, an
 * optional close button and an optional action whose label is a button running its handler. The
 * promise resolves with the notification's id.
 */
import { h } from "../dom";

interface AppNotification {
  readonly type: number;
  readonly level: number;
  readonly message: string;
  readonly showCloseButton?: boolean;
  readonly action?: { readonly actionLabel?: string; readonly eventHandler?: () => void };
}

const levelClass: Readonly<Record<number, string>> = { 1: "success", 2: "error", 3: "warning", 4: "info" };
let next = 0;

function bar(): HTMLElement {
  const existing = document.getElementById("app-notifications");
  if (existing !== null) return existing;
  const created = h("div", {
    className: "app-notifications",
    attributes: { id: "app-notifications", role: "region", "aria-label": "App notifications" },
  });
  document.body.prepend(created);
  return created;
}

export function addGlobalNotification(notification: AppNotification): Promise<string> {
  if (notification.type !== 2)
    return Promise.reject(new Error("Only notification type 2 (a message bar) is supported."));
  next += 1;
  const id = `app-notification-${next}`;
  const remove = () => document.getElementById(id)?.remove();
  const action = notification.action;
  const item = h(
    "div",
    {
      className: `notification app-notification ${levelClass[notification.level] ?? "info"}`,
      attributes: { id, role: "status" },
    },
    [
      h("span", { text: notification.message }),
      action?.actionLabel === undefined
        ? null
        : h("button", {
            className: "app-notification-action",
            text: action.actionLabel,
            attributes: { type: "button" },
            on: { click: () => action.eventHandler?.() },
          }),
      notification.showCloseButton === true
        ? h("button", { text: "×", attributes: { type: "button", "aria-label": "Close" }, on: { click: remove } })
        : null,
    ],
  );
  bar().append(item);
  return Promise.resolve(id);
}

export function clearGlobalNotification(id: string): Promise<void> {
  document.getElementById(id)?.remove();
  return Promise.resolve();
}
