/** References used across the map tests. */
export const usmf = { id: "0f8fad5b-d9cb-469f-a165-70867728950e", logicalName: "cdm_company", name: "Contoso USA" };
export const site1 = {
  id: "5b1b6e2c-0a4f-4d2e-9a53-1b2c3d4e5f60",
  logicalName: "msdyn_operationalsite",
  name: "Site 1",
};
export const transit = { id: "7c9e6679-7425-40de-944b-e07fc1f90ae7", logicalName: "msdyn_warehouse", name: "Transit" };
export const pumps = {
  id: "16fd2706-8baf-433b-82eb-8c7fada847da",
  logicalName: "msdyn_customerassetcategory",
  name: "Pumps",
};
export const contoso = { id: "886313e1-3b8a-5372-9b90-0c9aee199e5d", logicalName: "account", name: "Contoso Pharma" };
export const pumpProduct = { id: "a8098c1a-f86e-11da-bd1a-00112444be1e", logicalName: "product", name: "Pump P-100" };
export const parentAsset = {
  id: "6fa459ea-ee8a-3ca4-894e-db77e160355e",
  logicalName: "msdyn_customerasset",
  name: "Line 1",
};
