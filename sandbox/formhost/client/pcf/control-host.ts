/// <reference types="powerapps-component-framework" />
/**
 * One code component in a form cell, driven the way the platform drives it:
 * `init(context, notifyOutputChanged, state, container)` once; `updateView(context)` after init and
 * whenever something the control sees changes (a bound column, disabled or visible, the offline
 * switch, the language, the form factor, the container's size once it tracks resizes), with
 * `updatedProperties` naming what changed; after `notifyOutputChanged`, `getOutputs()` once and its
 * values written to the bound columns (which runs their OnChange, then `updateView`); `destroy()`
 * when the form goes away. A virtual control's `updateView` returns a React element, which the
 * host renders with the platform's ReactDOM.
 */
import type { AppDescription, ControlDescription, CustomControlDescription } from "../../shared/contract";
import type { FormRuntime } from "../form/runtime";
import { onSessionChange, sessionSettings, viewportFormFactor } from "../session";
import type { SandboxWebApi } from "../web-api";
import type { HostStandardControl } from "../xrm/controls";
import { createContext } from "./context";
import { type ControlInstance, loadControl, platformGlobal } from "./loader";
import { boundColumns, outputValue, parametersFor } from "./parameters";
import { createPopupService } from "./popups";

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
  private instance: ControlInstance | undefined;
  private tracking = false;
  private size = { width: -1, height: -1 };
  private lastInputs = new Map<string, string>();
  private outputsScheduled = false;
  private destroyed = false;
  private readonly unsubscribe: (() => void)[] = [];
  private resizeObserver: ResizeObserver | undefined;
  private popups: ComponentFramework.FactoryApi.Popup.PopupService | undefined;
  private readonly columns: Map<string, string>;
  /** How many times the lifecycle ran, for the host's diagnostics (`data-pcf-*` attributes). */
  readonly counts = { updateView: 0, getOutputs: 0 };

  constructor(private readonly options: PcfCellOptions) {
    this.columns = boundColumns(options.placement);
  }

  async start(): Promise<void> {
    const constructor = await loadControl(this.options.description);
    if (this.destroyed) return;
    const instance = new constructor();
    this.instance = instance;
    this.lastInputs = this.inputs();
    instance.init(
      this.context([]),
      () => {
        this.notifyOutputChanged();
      },
      {},
      this.options.container,
    );
    this.render([]);
    this.unsubscribe.push(
      this.options.runtime.onChange(() => {
        this.refresh();
      }),
    );
    this.unsubscribe.push(
      onSessionChange(() => {
        this.refresh();
      }),
    );
    const onResize = (): void => {
      this.refresh();
    };
    window.addEventListener("resize", onResize);
    this.unsubscribe.push(() => {
      window.removeEventListener("resize", onResize);
    });
  }

  private context(updatedProperties: string[]) {
    const { runtime, control, description, placement } = this.options;
    const session = sessionSettings();
    return createContext({
      control: description,
      parameters: parametersFor(description, placement, {
        attribute: (column) => runtime.attribute(column),
        isLocked: (attribute) => runtime.isLocked(attribute),
        locale: navigator.language,
      }),
      updatedProperties,
      session,
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
      allocatedWidth: this.tracking ? this.size.width : -1,
      allocatedHeight: this.tracking ? this.size.height : -1,
      trackContainerResize: (track) => {
        this.track(track);
      },
      requestRender: () => {
        queueMicrotask(() => {
          this.render([]);
        });
      },
      popupService: () => {
        this.popups ??= createPopupService(this.options.container);
        return this.popups;
      },
    });
  }

  /** What the control sees, by the name `updatedProperties` reports a change under. */
  private inputs(): Map<string, string> {
    const { runtime, control } = this.options;
    const inputs = new Map<string, string>();
    for (const [property, column] of this.columns) {
      const attribute = runtime.attribute(column);
      inputs.set(
        property,
        JSON.stringify([attribute?.getValue() ?? null, attribute?.getRequiredLevel(), attribute?.isValid()]),
      );
    }
    const session = sessionSettings();
    inputs.set("layout", JSON.stringify([this.tracking ? this.size : null, viewportFormFactor()]));
    inputs.set(
      "mode",
      JSON.stringify([
        control.getDisabled(),
        control.getVisible(),
        runtime.isLocked(control.getAttribute()),
        runtime.bareId(),
      ]),
    );
    inputs.set("client", JSON.stringify([session.offline, session.languageId]));
    return inputs;
  }

  /** Calls updateView when anything the control sees changed. */
  refresh(): void {
    if (this.instance === undefined || this.destroyed) return;
    const next = this.inputs();
    const changed = [...next].filter(([name, value]) => this.lastInputs.get(name) !== value).map(([name]) => name);
    if (changed.length === 0) return;
    this.lastInputs = next;
    this.render(changed);
  }

  private render(updatedProperties: string[]): void {
    const instance = this.instance;
    if (instance === undefined || this.destroyed) return;
    try {
      const element = instance.updateView(this.context(updatedProperties));
      this.counts.updateView += 1;
      this.options.container.dataset.updateViewCount = String(this.counts.updateView);
      if (this.options.description.controlType === "virtual") {
        const reactDom = platformGlobal("ReactDOM");
        if (!isReactDom(reactDom)) throw new Error("ReactDOM (a platform library) is not loaded.");
        reactDom.render(element, this.options.container);
      }
    } catch (error) {
      this.options.onError(
        `${this.options.description.name} failed in updateView: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private track(track: boolean): void {
    if (track === this.tracking) return;
    this.tracking = track;
    this.resizeObserver?.disconnect();
    this.resizeObserver = undefined;
    if (track) {
      const measure = (): void => {
        const rect = this.options.container.getBoundingClientRect();
        this.size = { width: Math.round(rect.width), height: Math.round(rect.height) };
      };
      measure();
      this.resizeObserver = new ResizeObserver(() => {
        const before = this.size.width;
        measure();
        if (this.size.width !== before) this.refresh();
      });
      this.resizeObserver.observe(this.options.container);
    }
  }

  /** The control has new outputs: read them once the current task is done, as the platform batches. */
  private notifyOutputChanged(): void {
    if (this.outputsScheduled || this.destroyed) return;
    this.outputsScheduled = true;
    queueMicrotask(() => {
      this.outputsScheduled = false;
      const instance = this.instance;
      if (instance?.getOutputs === undefined || this.destroyed) return;
      const outputs = instance.getOutputs();
      this.counts.getOutputs += 1;
      this.options.container.dataset.getOutputsCount = String(this.counts.getOutputs);
      for (const [property, value] of Object.entries(outputs)) {
        const column = this.columns.get(property);
        const attribute = column === undefined ? undefined : this.options.runtime.attribute(column);
        if (attribute === undefined || this.options.runtime.isLocked(attribute)) continue;
        attribute.setValueFromUser(outputValue(attribute, value));
      }
      for (const handler of this.options.control.outputChangeHandlers()) this.options.runtime.runHandlers([handler]);
    });
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const stop of this.unsubscribe) stop();
    this.resizeObserver?.disconnect();
    try {
      this.instance?.destroy();
    } finally {
      const reactDom = platformGlobal("ReactDOM");
      if (this.options.description.controlType === "virtual" && isReactDom(reactDom))
        reactDom.unmountComponentAtNode(this.options.container);
    }
  }
}
