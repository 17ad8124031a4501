/**
 * Choice values of `msdyn_warehousetype` (unconfirmed: values kept here only, mapped by value maps).
 * A module of its own so a control can filter by type without bundling the table definitions.
 */
export const WarehouseType = { Default: 192350000, Quarantine: 192350001, Transit: 192350002 } as const;
