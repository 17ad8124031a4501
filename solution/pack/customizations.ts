/**
 * customizations.xml from the unpacked folders, and back. `ImportExportXml` is a sequence in
 * CustomizationsSolution.xsd, so sections are written in the schema's order whatever order the
 * source held them in.
 */
import { ProblemList } from "../errors";
import { el, childElement, childElements, withChildren, withoutNamespaceDeclarations, type XmlElement } from "../xml";
import type { EntitySource, SolutionSource } from "./source";

/** The children of `ImportExportXml`, in CustomizationsSolution.xsd's order. */
export const customizationSections = [
  "Entities",
  "Roles",
  "Workflows",
  "FieldSecurityProfiles",
  "Templates",
  "RibbonDiffXml",
  "IsvConfig",
  "RelationshipRoles",
  "ConnectionRoles",
  "SiteMap",
  "EntityMaps",
  "EntityRelationships",
  "OrganizationSettings",
  "optionsets",
  "Reports",
  "RoutingRules",
  "ChannelPropertyGroups",
  "ConvertRules",
  "MobileOfflineProfiles",
  "Slas",
  "ChannelAccessProfiles",
  "ChannelAccessProfileRules",
  "Dashboards",
  "InteractionCentricDashboards",
  "Dialogs",
  "WebResources",
  "CustomControls",
  "SolutionPluginAssemblies",
  "SdkMessageProcessingSteps",
  "ServiceEndpoints",
  "AppModuleSiteMaps",
  "AppModules",
  "EntityDataProviders",
  "EntityDataSources",
  "Languages",
  "GlobalSearchConfigurations",
  "StoredProcedures",
] as const;

/** Sections the packer builds from folders; `Other/Customizations.xml` leaves them out. */
export const folderSections = new Set([
  "Entities",
  "EntityRelationships",
  "WebResources",
  "CustomControls",
  "SdkMessageProcessingSteps",
]);

function sectionOrder(name: string): number {
  return (customizationSections as readonly string[]).indexOf(name);
}

function entityElement(entity: EntitySource): XmlElement {
  const formTypes = [...new Set(entity.forms.map((form) => form.type))].sort();
  const formXml =
    entity.forms.length === 0
      ? undefined
      : el(
          "FormXml",
          {},
          formTypes.map((type) =>
            el(
              "forms",
              { type },
              entity.forms.filter((form) => form.type === type).map((form) => form.systemForm),
            ),
          ),
        );
  const children = entity.entity.children;
  const insertAt =
    children.findIndex((child) => child.name === "EntityInfo") + 1 ||
    children.findIndex((child) => child.name === "Name") + 1;
  return el("Entity", {}, [...children.slice(0, insertAt), formXml, ...children.slice(insertAt)]);
}

export function assembleCustomizations(source: SolutionSource): XmlElement {
  const problems = new ProblemList();
  const other = source.customizations;
  for (const section of other.children) {
    if (folderSections.has(section.name)) {
      problems.add(
        "INVALID_SOURCE",
        source.describe("Other/Customizations.xml"),
        `holds <${section.name}>, which the packer builds from its folder`,
      );
    } else if (sectionOrder(section.name) < 0) {
      problems.add(
        "INVALID_SOURCE",
        source.describe("Other/Customizations.xml"),
        `<${section.name}> is not a section of ImportExportXml (CustomizationsSolution.xsd)`,
      );
    }
  }
  problems.throwIfAny();
  const fromFolders: XmlElement[] = [
    el("Entities", {}, source.entities.map(entityElement)),
    el(
      "EntityRelationships",
      {},
      source.relationships.map((relationship) => withoutNamespaceDeclarations(relationship.relationship)),
    ),
    el(
      "WebResources",
      {},
      source.webResources.map((resource) => withoutNamespaceDeclarations(resource.data)),
    ),
    el(
      "CustomControls",
      {},
      source.controls.map((control) => withoutNamespaceDeclarations(control.data)),
    ),
    el(
      "SdkMessageProcessingSteps",
      {},
      source.steps.map((step) => withoutNamespaceDeclarations(step.step)),
    ),
  ];
  const sections = [...other.children, ...fromFolders].sort((a, b) => sectionOrder(a.name) - sectionOrder(b.name));
  return withChildren(other, sections);
}

export interface SplitCustomizations {
  /** `Other/Customizations.xml`: everything but the folder sections. */
  readonly other: XmlElement;
  readonly entities: readonly XmlElement[];
  readonly relationships: readonly XmlElement[];
  readonly webResources: readonly XmlElement[];
  readonly customControls: readonly XmlElement[];
  readonly steps: readonly XmlElement[];
}

/** The inverse of `assembleCustomizations`, for the unpacker. */
export function splitCustomizations(customizations: XmlElement): SplitCustomizations {
  const section = (name: string, item: string) => {
    const element = childElement(customizations, name);
    return element === undefined ? [] : childElements(element, item);
  };
  return {
    other: withChildren(
      customizations,
      customizations.children.filter((child) => !folderSections.has(child.name)),
    ),
    entities: section("Entities", "Entity"),
    relationships: section("EntityRelationships", "EntityRelationship"),
    webResources: section("WebResources", "WebResource"),
    customControls: section("CustomControls", "CustomControl"),
    steps: section("SdkMessageProcessingSteps", "SdkMessageProcessingStep"),
  };
}
