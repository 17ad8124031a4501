import * as React from "react";
import { ControlRoot } from "../shared/components/ControlRoot";
import { layoutFor } from "../shared/layout";
import {
  formatNumberWith,
  numberParameter,
  recordFromContext,
  stringsFromContext,
  themeFromContext,
} from "../shared/pcf";
import { isGuid, guidLiteral } from "../shared/services/odata";
import { WarehouseOnHandView, type OnHandRecord, type WarehouseOnHandProps } from "./components/WarehouseOnHandView";
import type { OnHandStringKey } from "./components/strings";
import { largestItemCount } from "./services/onHandQuery";
import { createWarehouseOnHandService, type WarehouseOnHandService } from "./services/warehouseOnHand";
import type { IInputs, IOutputs } from "./generated/ManifestTypes";

const warehouseTable = "msdyn_warehouse";

/** The manifest's default for `maxItems`, also used when the form passes nothing usable. */
const defaultItemCount = 10;

const nilGuid = "00000000-0000-0000-0000-000000000000";

/**
 * The form's record, from `context.mode.contextInfo` (shared/pcf.ts): a new warehouse has no id
 * yet (the form host and model-driven apps give an empty one; the nil GUID is read the same way,
 * should a host send it), and stock belongs to saved warehouses only.
 */
function onHandRecord(context: ComponentFramework.Context<IInputs>): OnHandRecord {
  const record = recordFromContext(context);
  if (record?.entityTypeName !== warehouseTable) {
    return { kind: "notWarehouse" };
  }
  const id = record.entityId;
  if (id === null || !isGuid(id) || guidLiteral(id) === nilGuid) {
    return { kind: "unsaved" };
  }
  return { kind: "warehouse", id: guidLiteral(id) };
}

/**
 * WarehouseOnHand — the lifecycle only: `init` builds the service, `updateView` turns the context
 * into the panel's props, `destroy` drops the service (the view's effects drop late answers once the
 * platform unmounts it). The panel writes no column, so it has no outputs.
 */
export class WarehouseOnHand implements ComponentFramework.ReactControl<IInputs, IOutputs> {
  private service: WarehouseOnHandService | undefined;

  public init(context: ComponentFramework.Context<IInputs>, _notifyOutputChanged?: () => void): void {
    context.mode.trackContainerResize(true);
    this.service = createWarehouseOnHandService(context.webAPI);
  }

  public updateView(context: ComponentFramework.Context<IInputs>): React.ReactElement {
    const service = this.service ?? createWarehouseOnHandService(context.webAPI);
    return React.createElement(
      ControlRoot,
      { theme: themeFromContext(context) },
      React.createElement(WarehouseOnHandView, this.props(context, service)),
    );
  }

  public getOutputs(): IOutputs {
    return {};
  }

  public destroy(): void {
    this.service = undefined;
  }

  private props(context: ComponentFramework.Context<IInputs>, service: WarehouseOnHandService): WarehouseOnHandProps {
    const { parameters } = context;
    const identifier = parameters.warehouseIdentifier.raw;
    const maxItems = numberParameter(parameters.maxItems);
    return {
      strings: stringsFromContext<OnHandStringKey>(context),
      service,
      record: onHandRecord(context),
      identifier: identifier !== null && identifier.trim() !== "" ? identifier.trim() : null,
      maxItems:
        maxItems !== null && maxItems >= 1 ? Math.min(Math.floor(maxItems), largestItemCount) : defaultItemCount,
      layout: layoutFor(context.mode.allocatedWidth, context.client.getFormFactor()),
      offline: context.client.isOffline(),
      formatNumber: formatNumberWith(context),
      formatDateTime: (value) => context.formatting.formatDateShort(value, true),
      now: () => Date.now(),
    };
  }
}
