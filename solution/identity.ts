/**
 * The solution's fixed names (docs/design.md §5). Other parts rely on them: keep them stable.
 */

export const solutionUniqueName = "FieldServiceScmIntegration";
export const solutionDisplayName = "Field Service SCM Integration";
export const solutionDescription =
  "Keeps Field Service and Supply Chain Management in step for warehouses, customer assets, asset categories, payment terms and ship-via modes, and enforces SCM's rules before a record is saved.";

export const publisher = {
  uniqueName: "fsi",
  displayName: "Field Service SCM Integration",
  description: "Publisher of the Field Service SCM integration toolkit.",
  /** Customization prefix: every schema name we add starts with `fsi_`. */
  prefix: "fsi",
  /** Choice values we add start at 716900000 (see `ScmSyncStatus` in core). */
  optionValuePrefix: 71690,
} as const;

/** The PCF namespace of our controls (`<control namespace="FieldServiceScm" ...>`). */
export const controlNamespace = "FieldServiceScm";

/** The version our components first shipped in (IntroducedVersion never changes afterwards). */
export const introducedVersion = "0.1.0.0";

/** English: the base language of the solution. */
export const baseLanguage = 1033;

/** Default origin of the plug-in host the webhook endpoints point at (the sandbox's, docs/design.md §5). */
export const defaultWebhookHostUrl = "http://127.0.0.1:8080";

const semanticVersion = /^(\d+)\.(\d+)\.(\d+)$/;

/**
 * The solution version for a package version: `0.1.0` → `0.1.0.0`. Dataverse versions are
 * `major.minor.build.revision` numbers; a pre-release tag (`0.1.0-beta`) has no place in them, so
 * it is refused rather than dropped.
 */
export function solutionVersion(packageVersion: string): string {
  if (!semanticVersion.test(packageVersion)) {
    throw new Error(
      `package.json version "${packageVersion}" is not major.minor.patch; Dataverse solution and control versions are numbers only`,
    );
  }
  return `${packageVersion}.0`;
}
