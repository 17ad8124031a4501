import * as React from "react";
import { ControlRoot } from "../shared/components/ControlRoot";
import { layoutFor } from "../shared/layout";
import { sameId } from "../shared/services/ids";
import { firstLookup, formatNumberWith, numberParameter, stringsFromContext, themeFromContext } from "../shared/pcf";
import { NearbyWarehousesView, type NearbyWarehousesProps } from "./components/NearbyWarehousesView";
import type { NearbyStringKey } from "./components/strings";
import {
  createNearbyWarehousesService,
  type NearbyWarehouse,
  type NearbyWarehousesService,
} from "./services/nearbyWarehouses";
import { deviceWithDeadline, usablePoint } from "./services/position";
import { warehouseTable, warehouseTypesSetting } from "./services/warehouseQuery";
import { distanceUnitFor } from "./services/units";
import type { IInputs, IOutputs } from "./generated/ManifestTypes";

/** How long GPS may take before the record's coordinates are used instead. */
const deviceDeadlineMs = 8000;

/**
 * NearbyWarehouses — the lifecycle only: `init` keeps the callbacks and builds the service,
 * `updateView` turns the context into the component's props, `getOutputs` hands back the chosen
 * warehouse, `destroy` stops answers from arriving after the control is gone.
 */
export class NearbyWarehouses implements ComponentFramework.ReactControl<IInputs, IOutputs> {
  private notifyOutputChanged: () => void = () => undefined;
  private service: NearbyWarehousesService | undefined;
  private chosen: ComponentFramework.LookupValue | undefined;
  private destroyed = false;

  public init(context: ComponentFramework.Context<IInputs>, notifyOutputChanged: () => void): void {
    this.notifyOutputChanged = notifyOutputChanged;
    context.mode.trackContainerResize(true);
    const device = context.device as Partial<ComponentFramework.Device> | undefined;
    const getCurrentPosition = device?.getCurrentPosition?.bind(device);
    this.service = createNearbyWarehousesService(
      context.webAPI,
      getCurrentPosition ? deviceWithDeadline(getCurrentPosition, deviceDeadlineMs) : null,
    );
  }

  public updateView(context: ComponentFramework.Context<IInputs>): React.ReactElement {
    const service = this.service ?? createNearbyWarehousesService(context.webAPI, null);
    return React.createElement(
      ControlRoot,
      { theme: themeFromContext(context) },
      React.createElement(NearbyWarehousesView, this.props(context, service)),
    );
  }

  public getOutputs(): IOutputs {
    return this.chosen ? { boundField: [this.chosen] } : {};
  }

  public destroy(): void {
    // The platform unmounts the React tree (the view's effects drop late answers on unmount); this
    // guards the callbacks the platform handed us.
    this.destroyed = true;
    this.service = undefined;
    this.notifyOutputChanged = () => undefined;
  }

  private props(context: ComponentFramework.Context<IInputs>, service: NearbyWarehousesService): NearbyWarehousesProps {
    const { parameters } = context;
    const bound: unknown = parameters.boundField.raw;
    const selectMode = Array.isArray(bound);
    const boundLookup = selectMode
      ? firstLookup(parameters.boundField as ComponentFramework.PropertyTypes.LookupProperty)
      : null;
    if (this.chosen && boundLookup && sameId(this.chosen.id, boundLookup.id)) {
      // The platform has written our output back: from now on the bound value is the truth.
      this.chosen = undefined;
    }
    const recordLatitude = selectMode ? numberParameter(parameters.latitude) : typeof bound === "number" ? bound : null;
    const radius = numberParameter(parameters.radiusKm);
    const maxResults = numberParameter(parameters.maxResults);
    return {
      strings: stringsFromContext<NearbyStringKey>(context),
      service,
      positionInputs: {
        useDevice: true,
        record: usablePoint(recordLatitude, numberParameter(parameters.longitude)),
        workOrderId: firstLookup(parameters.workOrder)?.id ?? null,
        serviceAccountId: firstLookup(parameters.serviceAccount)?.id ?? null,
      },
      radiusKm: radius !== null && radius > 0 ? radius : null,
      maxResults: maxResults !== null && maxResults > 0 ? Math.floor(maxResults) : 50,
      companyId: firstLookup(parameters.company)?.id ?? null,
      warehouseTypes: warehouseTypesSetting(parameters.warehouseTypes.raw),
      productId: firstLookup(parameters.product)?.id ?? null,
      mode: selectMode ? "select" : "browse",
      selectedId: this.chosen?.id ?? boundLookup?.id ?? null,
      readOnly: context.mode.isControlDisabled,
      offline: context.client.isOffline(),
      layout: layoutFor(context.mode.allocatedWidth, context.client.getFormFactor()),
      unit: distanceUnitFor(context.userSettings.languageId),
      formatNumber: formatNumberWith(context),
      onChoose: (warehouse) => {
        this.choose(context, warehouse, selectMode);
      },
    };
  }

  private choose(context: ComponentFramework.Context<IInputs>, warehouse: NearbyWarehouse, selectMode: boolean): void {
    if (this.destroyed) {
      return;
    }
    if (selectMode) {
      this.chosen = { id: warehouse.id, name: warehouse.name, entityType: warehouseTable };
      this.notifyOutputChanged();
      return;
    }
    void context.navigation.openForm({ entityName: warehouseTable, entityId: warehouse.id });
  }
}
