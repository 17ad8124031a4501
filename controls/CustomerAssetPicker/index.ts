import * as React from "react";
import { ControlRoot } from "../shared/components/ControlRoot";
import { layoutFor } from "../shared/layout";
import { firstLookup, numberParameter, stringsFromContext, themeFromContext } from "../shared/pcf";
import { sameId } from "../shared/services/ids";
import { CustomerAssetPickerView, type CustomerAssetPickerProps } from "./components/CustomerAssetPickerView";
import type { PickerStringKey } from "./components/strings";
import { assetTable } from "./services/assetQuery";
import { createCustomerAssetService, type CustomerAssetService } from "./services/customerAssets";
import type { IInputs, IOutputs } from "./generated/ManifestTypes";

/** Typing pause before a search is sent. */
const searchDebounceMs = 300;

/**
 * CustomerAssetPicker — the lifecycle only: `init` keeps the callback and builds the service,
 * `updateView` turns the context into props, `getOutputs` hands back the chosen (or cleared) asset,
 * `destroy` stops later choices from reaching the platform.
 */
export class CustomerAssetPicker implements ComponentFramework.ReactControl<IInputs, IOutputs> {
  private notifyOutputChanged: () => void = () => undefined;
  private service: CustomerAssetService | undefined;
  /** The choice not yet written back by the platform; null means "cleared". */
  private pending: ComponentFramework.LookupValue | null | undefined;
  private destroyed = false;

  public init(context: ComponentFramework.Context<IInputs>, notifyOutputChanged: () => void): void {
    this.notifyOutputChanged = notifyOutputChanged;
    context.mode.trackContainerResize(true);
    this.service = createCustomerAssetService(context.webAPI);
  }

  public updateView(context: ComponentFramework.Context<IInputs>): React.ReactElement {
    const service = this.service ?? createCustomerAssetService(context.webAPI);
    return React.createElement(
      ControlRoot,
      { theme: themeFromContext(context) },
      React.createElement(CustomerAssetPickerView, this.props(context, service)),
    );
  }

  public getOutputs(): IOutputs {
    if (this.pending === undefined) {
      return {};
    }
    return { boundAsset: this.pending === null ? [] : [this.pending] };
  }

  public destroy(): void {
    this.destroyed = true;
    this.service = undefined;
    this.notifyOutputChanged = () => undefined;
  }

  private props(context: ComponentFramework.Context<IInputs>, service: CustomerAssetService): CustomerAssetPickerProps {
    const { parameters } = context;
    const bound = firstLookup(parameters.boundAsset);
    if (
      this.pending !== undefined &&
      (this.pending === null ? bound === null : bound !== null && sameId(bound.id, this.pending.id))
    ) {
      // The platform has written our output back: the bound value is the truth again.
      this.pending = undefined;
    }
    const pending = this.pending;
    const selected =
      pending === undefined ? bound : pending === null ? null : { id: pending.id, name: pending.name ?? "" };
    const pageSize = numberParameter(parameters.pageSize);
    return {
      strings: stringsFromContext<PickerStringKey>(context),
      service,
      layout: layoutFor(context.mode.allocatedWidth, context.client.getFormFactor()),
      selected,
      serviceAccountId: firstLookup(parameters.serviceAccount)?.id ?? null,
      workOrderId: firstLookup(parameters.workOrder)?.id ?? null,
      companyId: firstLookup(parameters.company)?.id ?? null,
      pageSize: pageSize !== null && pageSize > 0 ? Math.min(Math.floor(pageSize), 250) : 25,
      readOnly: context.mode.isControlDisabled,
      offline: context.client.isOffline(),
      debounceMs: searchDebounceMs,
      onChoose: (asset) => {
        this.output({ id: asset.id, name: asset.name, entityType: assetTable }, context);
      },
      onClear: () => {
        this.output(null, context);
      },
    };
  }

  private output(value: ComponentFramework.LookupValue | null, context: ComponentFramework.Context<IInputs>): void {
    if (this.destroyed || context.mode.isControlDisabled) {
      return;
    }
    this.pending = value;
    this.notifyOutputChanged();
    // The selection shows at once, before the platform writes the value back.
    context.factory.requestRender();
  }
}
