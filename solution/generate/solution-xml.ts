/**
 * `Other/Solution.xml` (the solution manifest: publisher, version, root components, missing
 * dependencies) and `Other/Customizations.xml` (the customizations that SolutionPackager does not
 * split into folders).
 */
import { controlNames, controlSolutionName } from "../components/controls";
import { environmentVariables } from "../components/environment-variables";
import { solutionOfColumn, solutionOfTable } from "../components/dependencies";
import { mainForms } from "../components/forms";
import { solutionRelationships } from "../components/relationships";
import { securityRoles } from "../components/security-roles";
import { isOwnTable, ourColumns, solutionTable, solutionTableNames } from "../components/tables";
import { webResources } from "../components/web-resources";
import { baseLanguage, publisher, solutionDescription, solutionDisplayName, solutionUniqueName } from "../identity";
import { braced } from "../ids";
import { solutionServiceEndpoints, solutionWebhookSteps, type WebhookOptions } from "../steps";
import { el, textEl, xsiNamespace, type XmlElement } from "../xml";
import { solutionLanguages } from "./labels";
import { roleXml } from "./role-xml";
import { serviceEndpointXml } from "./webhook-xml";

/** Solution component types (Microsoft Learn, "SolutionComponent table reference": componenttype). */
export const ComponentType = {
  Entity: 1,
  Attribute: 2,
  Role: 20,
  EntityRelationship: 10,
  SystemForm: 60,
  WebResource: 61,
  CustomControl: 66,
  SdkMessageProcessingStep: 92,
  ServiceEndpoint: 95,
  EnvironmentVariableDefinition: 380,
} as const;

/**
 * `RootComponent@behavior`: 0 include subcomponents, 1 do not include subcomponents, 2 include
 * as shell only. Field Service's tables are shells: we ship our columns and forms on them, never
 * their own metadata. Our own tables are shipped whole.
 */
export const RootComponentBehavior = { IncludeSubcomponents: 0, ShellOnly: 2 } as const;

export interface RootComponent {
  readonly type: number;
  readonly schemaName?: string;
  readonly id?: string;
  readonly behavior: number;
}

export function rootComponents(): RootComponent[] {
  const components: RootComponent[] = [
    ...solutionTableNames.map((table) => ({
      type: ComponentType.Entity,
      schemaName: table,
      behavior: isOwnTable(solutionTable(table))
        ? RootComponentBehavior.IncludeSubcomponents
        : RootComponentBehavior.ShellOnly,
    })),
    ...mainForms.map((form) => ({
      type: ComponentType.SystemForm,
      id: braced(form.id),
      behavior: RootComponentBehavior.IncludeSubcomponents,
    })),
    ...webResources.map((resource) => ({
      type: ComponentType.WebResource,
      schemaName: resource.name,
      behavior: RootComponentBehavior.IncludeSubcomponents,
    })),
    ...controlNames.map((control) => ({
      type: ComponentType.CustomControl,
      schemaName: controlSolutionName(control),
      behavior: RootComponentBehavior.IncludeSubcomponents,
    })),
    ...solutionWebhookSteps().map((step) => ({
      type: ComponentType.SdkMessageProcessingStep,
      id: braced(step.id),
      behavior: RootComponentBehavior.IncludeSubcomponents,
    })),
    ...solutionServiceEndpoints().map((endpoint) => ({
      type: ComponentType.ServiceEndpoint,
      id: braced(endpoint.id),
      behavior: RootComponentBehavior.IncludeSubcomponents,
    })),
    ...environmentVariables.map((variable) => ({
      type: ComponentType.EnvironmentVariableDefinition,
      schemaName: variable.schemaName,
      behavior: RootComponentBehavior.IncludeSubcomponents,
    })),
    ...securityRoles.map((role) => ({
      type: ComponentType.Role,
      id: braced(role.id),
      behavior: RootComponentBehavior.IncludeSubcomponents,
    })),
  ];
  return components;
}

function rootComponentXml(component: RootComponent): XmlElement {
  return el("RootComponent", {
    type: component.type,
    schemaName: component.schemaName,
    id: component.id,
    behavior: component.behavior,
  });
}

/**
 * The tables must exist before the solution imports (Field Service, with the SCM extended
 * solutions for the company-striped columns). Listing them lets the import say so up front.
 * Our own tables are in the package; the tables their lookups point to are not.
 */
function missingDependencies(): XmlElement[] {
  const ownNames = new Set(solutionTableNames.filter((name) => isOwnTable(solutionTable(name))));
  const lookupTargets = solutionRelationships()
    .filter(
      (relationship) => ownNames.has(relationship.referencingTable) && !ownNames.has(relationship.referencedTable),
    )
    .map((relationship) =>
      el("MissingDependency", {}, [
        el("Required", {
          type: ComponentType.Entity,
          schemaName: relationship.referencedTable,
          solution: solutionOfTable(relationship.referencedTable),
        }),
        el("Dependent", {
          type: ComponentType.EntityRelationship,
          schemaName: relationship.name,
          parentSchemaName: relationship.referencingTable,
        }),
      ]),
    );
  const shells = solutionTableNames.flatMap((tableName) => {
    const table = solutionTable(tableName);
    if (ownNames.has(tableName)) return [];
    const required = el("Required", {
      type: ComponentType.Entity,
      schemaName: table.logicalName,
      displayName: table.displayName,
      solution: solutionOfTable(table.logicalName),
    });
    const dependents = [
      ...ourColumns(table).map(([column, definition]) =>
        el("Dependent", {
          type: ComponentType.Attribute,
          schemaName: column,
          displayName: definition.displayName,
          parentSchemaName: table.logicalName,
          parentDisplayName: table.displayName,
        }),
      ),
      ...mainForms
        .filter((form) => form.table === tableName)
        .map((form) =>
          el("Dependent", {
            type: ComponentType.SystemForm,
            id: braced(form.id),
            displayName: form.name,
            parentDisplayName: table.displayName,
          }),
        ),
    ];
    return dependents.map((dependent) => el("MissingDependency", {}, [required, dependent]));
  });
  return [...shells, ...otherPublishersColumns(), ...lookupTargets];
}

/** Every column a form cell shows, in form order. */
function formColumns(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(formColumns);
  if (typeof node !== "object" || node === null) return [];
  const own = "column" in node && typeof node.column === "string" ? [node.column] : [];
  return [...own, ...Object.values(node).flatMap(formColumns)];
}

/**
 * The columns our forms show that other publishers add — Field Service's and the dual-write
 * solutions' (the company, keys, address and coordinates of `msdyn_warehouse` come from the Supply
 * Chain dual-write solution; UO `.../dual-write/separated-solutions.md`, CE
 * `ce/field-service/developer/reference/entities/msdyn_warehouse.md`). The solution never defines
 * them; it declares that the target environment must have them, so an import without those
 * solutions says which columns are missing.
 */
function otherPublishersColumns(): XmlElement[] {
  return mainForms.flatMap((form) => {
    const table = solutionTable(form.table);
    const columns = [...new Set(formColumns(form.tabs))].filter(
      (column) => !column.startsWith(`${publisher.prefix}_`) && column in table.columns,
    );
    return columns.map((column) =>
      el("MissingDependency", {}, [
        el("Required", {
          type: ComponentType.Attribute,
          schemaName: column,
          displayName: table.columns[column]?.displayName ?? column,
          parentSchemaName: table.logicalName,
          parentDisplayName: table.displayName,
          solution: solutionOfColumn(table.logicalName, column),
        }),
        el("Dependent", {
          type: ComponentType.SystemForm,
          id: braced(form.id),
          displayName: form.name,
          parentDisplayName: table.displayName,
        }),
      ]),
    );
  });
}

export function solutionManifestXml(version: string): XmlElement {
  return el(
    "ImportExportXml",
    {
      version: "9.2.0.0",
      SolutionPackageVersion: "9.2",
      languagecode: baseLanguage,
      generatedBy: "CrmLive",
      "xmlns:xsi": xsiNamespace,
    },
    [
      el("SolutionManifest", {}, [
        textEl("UniqueName", solutionUniqueName),
        el("LocalizedNames", {}, [
          el("LocalizedName", { description: solutionDisplayName, languagecode: baseLanguage }),
        ]),
        el("Descriptions", {}, [el("Description", { description: solutionDescription, languagecode: baseLanguage })]),
        textEl("Version", version),
        // The source is unmanaged; the packer writes 1 here for the managed zip.
        textEl("Managed", 0),
        el("Publisher", {}, [
          textEl("UniqueName", publisher.uniqueName),
          el("LocalizedNames", {}, [
            el("LocalizedName", { description: publisher.displayName, languagecode: baseLanguage }),
          ]),
          el("Descriptions", {}, [
            el("Description", { description: publisher.description, languagecode: baseLanguage }),
          ]),
          el("EMailAddress", { "xsi:nil": "true" }),
          el("SupportingWebsiteUrl", { "xsi:nil": "true" }),
          textEl("CustomizationPrefix", publisher.prefix),
          textEl("CustomizationOptionValuePrefix", publisher.optionValuePrefix),
          el("Addresses"),
        ]),
        el("RootComponents", {}, rootComponents().map(rootComponentXml)),
        el("MissingDependencies", {}, missingDependencies()),
      ]),
    ],
  );
}

/**
 * What stays in `Other/Customizations.xml`: the sections no folder holds. The packer adds
 * `Entities`, `EntityRelationships`, `WebResources`, `CustomControls` and
 * `SdkMessageProcessingSteps` from their folders.
 */
export function otherCustomizationsXml(options: WebhookOptions = {}): XmlElement {
  return el("ImportExportXml", { "xmlns:xsi": xsiNamespace }, [
    el("Roles", {}, securityRoles.map(roleXml)),
    el("Workflows"),
    el("FieldSecurityProfiles"),
    el("Templates"),
    el("EntityMaps"),
    el("OrganizationSettings"),
    el("optionsets"),
    el("SolutionPluginAssemblies"),
    el("ServiceEndpoints", {}, solutionServiceEndpoints(options).map(serviceEndpointXml)),
    el("EntityDataProviders"),
    el(
      "Languages",
      {},
      solutionLanguages.map((language) => textEl("Language", language)),
    ),
  ]);
}
