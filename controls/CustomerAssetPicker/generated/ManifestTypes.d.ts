/*
*This is auto generated from the ControlManifest.Input.xml file
*/

// Define IInputs and IOutputs Type. They should match with ControlManifest.
export interface IInputs {
    boundAsset: ComponentFramework.PropertyTypes.LookupProperty;
    serviceAccount: ComponentFramework.PropertyTypes.LookupProperty;
    workOrder: ComponentFramework.PropertyTypes.LookupProperty;
    company: ComponentFramework.PropertyTypes.LookupProperty;
    pageSize: ComponentFramework.PropertyTypes.WholeNumberProperty;
}
export interface IOutputs {
    boundAsset?: ComponentFramework.LookupValue[];
    serviceAccount?: ComponentFramework.LookupValue[];
    workOrder?: ComponentFramework.LookupValue[];
    company?: ComponentFramework.LookupValue[];
}
