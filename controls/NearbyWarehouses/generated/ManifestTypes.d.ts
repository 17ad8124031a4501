/*
*This is auto generated from the ControlManifest.Input.xml file
*/

// Define IInputs and IOutputs Type. They should match with ControlManifest.
export interface IInputs {
    boundField: ComponentFramework.PropertyTypes.Property;
    latitude: ComponentFramework.PropertyTypes.NumberProperty;
    longitude: ComponentFramework.PropertyTypes.NumberProperty;
    workOrder: ComponentFramework.PropertyTypes.LookupProperty;
    serviceAccount: ComponentFramework.PropertyTypes.LookupProperty;
    company: ComponentFramework.PropertyTypes.LookupProperty;
    product: ComponentFramework.PropertyTypes.LookupProperty;
    radiusKm: ComponentFramework.PropertyTypes.WholeNumberProperty;
    warehouseTypes: ComponentFramework.PropertyTypes.StringProperty;
    maxResults: ComponentFramework.PropertyTypes.WholeNumberProperty;
}
export interface IOutputs {
    boundField?: any;
    latitude?: number;
    longitude?: number;
    workOrder?: ComponentFramework.LookupValue[];
    serviceAccount?: ComponentFramework.LookupValue[];
    company?: ComponentFramework.LookupValue[];
    product?: ComponentFramework.LookupValue[];
}
