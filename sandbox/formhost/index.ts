/** The form host (see README.md): runs the solution zip's forms, scripts and controls in a browser. */
export { createFormHost } from "./form-host";
export type { FormHost, FormHostOptions } from "./form-host";
export { readSolutionPackage } from "./package/solution-package";
export type {
  PackagedControl,
  PackagedEnvironmentVariable,
  PackagedWebResource,
  SolutionPackage,
} from "./package/solution-package";
export { SolutionPackageError } from "./package/errors";
export type { AppDescription, FormDescription } from "./shared/contract";
