/// <reference types="powerapps-component-framework" />
/**
 * One code component in a form cell, driven by the controls' one host loop
 * (controls/testing/pcf/host.ts: init once, updateView on every change with updatedProperties,
 * getOutputs after notifyOutputChanged, destroy). This file is the form's side: what the control
 * sees (`platform.ts` over the form's columns and the session), when it may have changed (a column,
 * the offline switch, the language, the window or the container's size), where outputs go (the
 * bound columns, whose OnChange then runs, and the control's output-change handlers), and how a
 * virtual control's element is shown (the platform's ReactDOM).
 */
import { PcfHost } from "@fsi/controls/testing/pcf/host";
import { createPopupService } from "@fsi/controls/testing/pcf/popups";
import type { AppDescription, ControlDescription, CustomControlDescription } from "../../shared/contract";
import type { FormRuntime } from "../form/runtime";
import { onSessionChange, sessionSettings } from "../session";
import type { SandboxWebApi } from "../web-api";
import type { HostStandardControl } from "../xrm/controls";
import { loadControl, platformGlobal } from "./loader";
import { boundColumns, outputValue, parametersFor } from "./parameters";
import { cellPlatform } from "./platform";

interface ReactDomLike {
  render(element: unknown, container: Element): void;
  unmountComponentAtNode(container: Element): boolean;
}

function isReactDom(value: unknown): value is ReactDomLike {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { render?: unknown }).render === "function" &&
    typeof (value as { unmountComponentAtNode?: unknown }).unmountComponentAtNode === "function"
  );
}

export interface PcfCellOptions {
  readonly app: AppDescription;
  readonly runtime: FormRuntime;
  readonly control: HostStandardControl;
  readonly placement: CustomControlDescription;
  readonly description: ControlDescription;
  readonly webApi: SandboxWebApi;
  readonly container: HTMLDivElement;
  readonly onError: (message: string) => void;
}

export class PcfCell {
  private host: PcfHost<Record<string, ComponentFramework.PropertyTypes.Property>> | undefined;
  private destroyed = false;
  private readonly unsubscribe: (() => void)[] = [];
  private popups: ComponentFramework.FactoryApi.Popup.PopupService | undefined;
  private readonly columns: Map<string, string>;

  constructor(private readonly options: PcfCellOptions) {
    this.columns = boundColumns(options.placement);
  }

  async start(): Promise<void> {
    const constructor = await loadControl(this.options.description);
    if (this.destroyed) return;
    const { container } = this.options;
    const host = new PcfHost(
      new constructor(),
      {
        platform: () => this.platform(),
        measure: () => container.getBoundingClientRect(),
        observeResize: (onResize) => {
          const observer = new ResizeObserver(onResize);
          observer.observe(container);
          return () => {
            observer.disconnect();
          };
        },
        render: (element) => {
          this.report();
          if (this.options.description.controlType !== "virtual") return;
          const reactDom = platformGlobal("ReactDOM");
          if (!isReactDom(reactDom)) throw new Error("ReactDOM (a platform library) is not loaded.");
          reactDom.render(element, container);
        },
        unmount: () => {
          const reactDom = platformGlobal("ReactDOM");
          if (this.options.description.controlType === "virtual" && isReactDom(reactDom))
            reactDom.unmountComponentAtNode(container);
        },
        writeOutputs: (outputs) => {
          this.report();
          this.writeOutputs(outputs);
        },
      },
      container,
    );
    this.host = host;
    this.guard("init", () => {
      host.start();
    });
    const refresh = (): void => {
      this.refresh();
    };
    this.unsubscribe.push(this.options.runtime.onChange(refresh), onSessionChange(refresh));
    window.addEventListener("resize", refresh);
    this.unsubscribe.push(() => {
      window.removeEventListener("resize", refresh);
    });
  }

  /** Lets the host call updateView when anything the control sees changed. */
  refresh(): void {
    const host = this.host;
    if (host === undefined || this.destroyed) return;
    this.guard("updateView", () => {
      host.refresh();
    });
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const stop of this.unsubscribe) stop();
    this.host?.destroy();
  }

  /** How many times the lifecycle ran, for the host's diagnostics (`data-*-count` attributes). */
  private report(): void {
    const calls = this.host?.calls;
    if (calls === undefined) return;
    this.options.container.dataset.updateViewCount = String(calls.updateView.length);
    this.options.container.dataset.getOutputsCount = String(calls.outputs.length);
  }

  private guard(stage: string, run: () => void): void {
    try {
      run();
    } catch (error) {
      this.options.onError(
        `${this.options.description.name} failed in ${stage}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private platform() {
    const { runtime, control, description, placement } = this.options;
    return cellPlatform({
      control: description,
      parameters: parametersFor(description, placement, {
        attribute: (column) => runtime.attribute(column),
        isLocked: (attribute) => runtime.isLocked(attribute),
        locale: navigator.language,
      }),
      session: sessionSettings(),
      webApi: this.options.webApi,
      user: { id: this.options.app.user.id, fullname: this.options.app.user.fullname },
      record: {
        entityTypeName: runtime.tableName,
        entityId: runtime.bareId(),
        entityRecordName: runtime.primaryName(),
      },
      disabled: control.getDisabled() || runtime.isLocked(control.getAttribute()),
      visible: control.getVisible(),
      label: control.getLabel(),
      popupService: () => {
        this.popups ??= createPopupService(this.options.container);
        return this.popups;
      },
    });
  }

  /** getOutputs' values into the bound columns (their OnChange runs), then the output-change handlers. */
  private writeOutputs(outputs: Record<string, unknown>): void {
    const { runtime, control } = this.options;
    for (const [property, value] of Object.entries(outputs)) {
      const column = this.columns.get(property);
      const attribute = column === undefined ? undefined : runtime.attribute(column);
      if (attribute === undefined || runtime.isLocked(attribute)) continue;
      attribute.setValueFromUser(outputValue(attribute, value));
    }
    for (const handler of control.outputChangeHandlers()) runtime.runHandlers([handler]);
  }
}
