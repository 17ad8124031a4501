/*
*This is auto generated from the ControlManifest.Input.xml file
*/

// Define IInputs and IOutputs Type. They should match with ControlManifest.
export interface IInputs {
    warehouseIdentifier: ComponentFramework.PropertyTypes.StringProperty;
    maxItems: ComponentFramework.PropertyTypes.WholeNumberProperty;
}
export interface IOutputs {
    warehouseIdentifier?: string;
}
