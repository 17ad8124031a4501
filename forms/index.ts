/**
 * The entry of the `fsi_/scripts/forms.js` web resource library: publishes the form handlers under
 * the global namespace the solution's forms name (`FSI.Forms.<Table>.onLoad` / `.onSave`). Other
 * libraries may share the `FSI` root, so it is extended, never replaced.
 */
import * as CustomerAsset from "./forms/CustomerAssetForm";
import * as CustomerAssetCategory from "./forms/CustomerAssetCategoryForm";
import * as PaymentTerm from "./forms/PaymentTermForm";
import * as ShipVia from "./forms/ShipViaForm";
import * as Warehouse from "./forms/WarehouseForm";

export const Forms = {
  Warehouse: { onLoad: Warehouse.onLoad, onSave: Warehouse.onSave },
  CustomerAsset: { onLoad: CustomerAsset.onLoad, onSave: CustomerAsset.onSave },
  CustomerAssetCategory: { onLoad: CustomerAssetCategory.onLoad, onSave: CustomerAssetCategory.onSave },
  PaymentTerm: { onLoad: PaymentTerm.onLoad, onSave: PaymentTerm.onSave },
  ShipVia: { onLoad: ShipVia.onLoad, onSave: ShipVia.onSave },
} as const;

interface FsiNamespace {
  Forms?: Record<string, unknown>;
  [name: string]: unknown;
}

const root = globalThis as typeof globalThis & { FSI?: FsiNamespace };
const fsi: FsiNamespace = root.FSI ?? {};
fsi.Forms = { ...fsi.Forms, ...Forms };
root.FSI = fsi;
