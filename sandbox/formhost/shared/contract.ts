/**
 * What the form host's server tells the browser (`GET /formhost/api/app`): the forms, controls and
 * web resources read from the solution zip, and the sandbox's settings. Plain JSON shapes, shared
 * by `package/` (which builds them) and `client/` (which runs them).
 */

/** FormXml `customControl/@formFactor`: 0 web, 1 tablet, 2 phone. */
export type FormXmlFormFactor = 0 | 1 | 2;

export interface HandlerDescription {
  /** `FSI.Forms.Warehouse.onSave`: a dotted path from `window`. */
  readonly functionName: string;
  readonly libraryName: string;
  readonly enabled: boolean;
  /** The handler's comma-separated extra parameters, as FormXml stores them. */
  readonly parameters: string;
  readonly passExecutionContext: boolean;
}

export interface FormEventsDescription {
  readonly onload: readonly HandlerDescription[];
  readonly onsave: readonly HandlerDescription[];
  /** OnChange handlers by column. */
  readonly onchange: Readonly<Record<string, readonly HandlerDescription[]>>;
}

/** One property of a code component on the form: bound to a column, or a fixed value. */
export type ControlParameterDescription =
  | { readonly kind: "bound"; readonly type: string; readonly column: string }
  | { readonly kind: "static"; readonly type: string; readonly value: string };

export interface CustomControlDescription {
  readonly formFactor: FormXmlFormFactor;
  /** The control's solution name, `fsi_FieldServiceScm.NearbyWarehouses`. */
  readonly name: string;
  readonly parameters: Readonly<Record<string, ControlParameterDescription>>;
}

/** A label by LCID (`{ "1033": "Name", "1036": "Nom" }`), as the solution's `LocalizedLabel`s give it. */
export type LocalizedText = Readonly<Record<string, string>>;

/** Choice labels from the solution: table → column → option value → label by LCID. */
export type ChoiceLabels = Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, LocalizedText>>>>>>;

export interface CellDescription {
  readonly id: string;
  /** In the solution's base language; `labels` has every language. */
  readonly label: string;
  readonly labels?: LocalizedText;
  readonly showLabel: boolean;
  readonly visible: boolean;
  /** The control's name in the form (`msdyn_latitude`, `msdyn_latitude1`): what `getControl` takes. */
  readonly controlId: string;
  /** The column the cell shows (`datafieldname`). */
  readonly column: string;
  readonly classId: string;
  readonly disabled: boolean;
  /** Code components replacing the platform control, per form factor (none: the platform control). */
  readonly customControls: readonly CustomControlDescription[];
}

export interface SectionDescription {
  readonly name: string;
  readonly label: string;
  readonly labels?: LocalizedText;
  readonly showLabel: boolean;
  /** FormXml `availableforphone`: false hides the section on phones. */
  readonly availableForPhone: boolean;
  readonly visible: boolean;
  readonly cells: readonly CellDescription[];
}

export interface TabDescription {
  readonly name: string;
  readonly label: string;
  readonly labels?: LocalizedText;
  readonly showLabel: boolean;
  readonly visible: boolean;
  readonly sections: readonly SectionDescription[];
}

export interface FormDescription {
  readonly id: string;
  readonly table: string;
  readonly name: string;
  readonly names?: LocalizedText;
  readonly tabs: readonly TabDescription[];
  /** Web resource names of the form libraries, in load order. */
  readonly libraries: readonly string[];
  readonly events: FormEventsDescription;
}

export interface ControlPropertyDescription {
  readonly name: string;
  readonly usage: "bound" | "input" | "output";
  /** `of-type`, or the types of its `of-type-group`. */
  readonly types: readonly string[];
  readonly required: boolean;
  readonly defaultValue?: string;
}

export interface PlatformLibraryDescription {
  readonly name: string;
  readonly version: string;
  /** The global the bundle expects (`Reactv16`, `FluentUIReactv940`). */
  readonly global: string;
  readonly url: string;
}

export interface ControlDescription {
  /** `fsi_FieldServiceScm.NearbyWarehouses` */
  readonly name: string;
  /** `FieldServiceScm.NearbyWarehouses`: what the bundle registers. */
  readonly registeredName: string;
  readonly controlType: "standard" | "virtual";
  readonly version: string;
  readonly bundleUrl: string;
  readonly properties: readonly ControlPropertyDescription[];
  readonly platformLibraries: readonly PlatformLibraryDescription[];
  /** `resx` strings by LCID. */
  readonly strings: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly features: readonly { readonly name: string; readonly required: boolean }[];
}

export interface WebResourceDescription {
  readonly name: string;
  readonly url: string;
  readonly type: number;
}

export interface SandboxUser {
  readonly id: string;
  readonly fullname: string;
  /** LCID of the user's language. */
  readonly languageId: number;
}

/** An SCM data entity for the admin page, with where its rows land in Dataverse (when mapped). */
export interface ScmCollectionDescription {
  readonly collection: string;
  readonly displayName: string;
  readonly keys: readonly string[];
  readonly fields: Readonly<Record<string, ScmFieldDefinitionDescription>>;
  readonly dataverse?: {
    readonly table: string;
    /** The company lookup and the company table's code column (`msdyn_company`, `cdm_companycode`). */
    readonly companyColumn: string;
    readonly companyKey: string;
    readonly keys: readonly { readonly scm: string; readonly dataverse: string }[];
  };
}

export type ScmFieldDefinitionDescription =
  | { readonly type: "String"; readonly maxLength: number; readonly mandatory?: boolean }
  | { readonly type: "Int" | "Real" | "DateTime"; readonly mandatory?: boolean }
  | {
      readonly type: "Enum";
      readonly enumName: string;
      readonly values: readonly string[];
      readonly mandatory?: boolean;
    };

export interface AppDescription {
  readonly solution: { readonly uniqueName: string; readonly version: string; readonly zip: string };
  readonly forms: readonly FormDescription[];
  /** The labels of the solution's choice columns in each of its languages. */
  readonly choiceLabels?: ChoiceLabels;
  readonly controls: readonly ControlDescription[];
  readonly webResources: readonly WebResourceDescription[];
  readonly organizationUrl: string;
  readonly webApiPath: string;
  /** The bearer token the browser sends to the Dataverse emulator (it maps to `user`). */
  readonly webApiToken: string;
  readonly user: SandboxUser;
  /** Where the SCM emulator is (`/scm`), for the SCM admin page. */
  readonly scmPath: string;
  readonly scmCollections: readonly ScmCollectionDescription[];
}
