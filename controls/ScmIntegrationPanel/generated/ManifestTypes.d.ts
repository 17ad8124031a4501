/*
*This is auto generated from the ControlManifest.Input.xml file
*/

// Define IInputs and IOutputs Type. They should match with ControlManifest.
export interface IInputs {
    syncStatus: ComponentFramework.PropertyTypes.OptionSetProperty;
    lastSyncedOn: ComponentFramework.PropertyTypes.DateTimeProperty;
    lastError: ComponentFramework.PropertyTypes.StringProperty;
    company: ComponentFramework.PropertyTypes.LookupProperty;
    scmIdentifier: ComponentFramework.PropertyTypes.StringProperty;
    site: ComponentFramework.PropertyTypes.LookupProperty;
}
export interface IOutputs {
    syncStatus?: number;
    lastSyncedOn?: Date;
    lastError?: string;
    company?: ComponentFramework.LookupValue[];
    scmIdentifier?: string;
    site?: ComponentFramework.LookupValue[];
}
