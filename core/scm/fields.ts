/** Builders for SCM field definitions, shared by every entity file. */
import type { ScmFieldDefinition } from "./schema";

export const str = (maxLength: number, mandatory = false): ScmFieldDefinition => ({
  type: "String",
  maxLength,
  mandatory,
});
export const noYes: ScmFieldDefinition = { type: "Enum", enumName: "NoYes", values: ["No", "Yes"] };
/** The company key of every company-specific entity. */
export const dataAreaId = str(4, true);
