/** A solution zip the form host cannot run: what is missing or wrong, naming the zip entry. */
export class SolutionPackageError extends Error {
  override readonly name = "SolutionPackageError";
  readonly code = "INVALID_SOLUTION_PACKAGE";
}
