/**
 * Localized labels: every label we write carries the base language (1033) and French (1036), the
 * `LocalizedLabel` pairs a solution export writes for each language provisioned in the source
 * environment (Microsoft Learn, "Translate customized table, form, and column text into other
 * languages"). The French text comes from components/french.ts; a label without a translation
 * stops generation, so no English text reaches a French user unnoticed.
 */
import { frenchLabels } from "../components/french";
import { baseLanguage } from "../identity";
import { el, type XmlElement } from "../xml";

/** French (France): the second language the solution ships. */
export const frenchLanguage = 1036;

/** The languages the solution's labels are written in, base first. */
export const solutionLanguages = [baseLanguage, frenchLanguage] as const;

export function frenchOf(english: string): string {
  if (english === "") return "";
  const french = frenchLabels[english];
  if (french === undefined)
    throw new Error(`label "${english}" has no French (1036) text; add it to solution/components/french.ts`);
  return french;
}

/** `<childName description=".." languagecode="1033"/>` and its 1036 sibling. */
export function localizedLabels(childName: string, english: string): XmlElement[] {
  return [
    el(childName, { description: english, languagecode: baseLanguage }),
    el(childName, { description: frenchOf(english), languagecode: frenchLanguage }),
  ];
}
