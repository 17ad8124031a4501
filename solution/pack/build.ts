/**
 * The whole build of the solution: stage the source with the built artifacts, then pack it twice,
 * unmanaged and managed. Both zips come from the same staged tree, so they differ only in
 * solution.xml's `<Managed>`.
 */
import { solutionUniqueName } from "../identity";
import { packSolution } from "./pack";
import { stageSolution, type StageOptions, type StagedSolution } from "./stage";

export const unmanagedZipName = `${solutionUniqueName}.zip`;
export const managedZipName = `${solutionUniqueName}_managed.zip`;

export interface SolutionPackages {
  readonly staged: StagedSolution;
  readonly unmanaged: Buffer;
  readonly managed: Buffer;
}

export async function buildSolutionPackages(options: StageOptions): Promise<SolutionPackages> {
  const staged = stageSolution(options);
  const unmanaged = await packSolution(staged.tree, { managed: false, describe: staged.describe });
  const managed = await packSolution(staged.tree, { managed: true, describe: staged.describe });
  return { staged, unmanaged, managed };
}
