/**
 * Build errors: each problem names the file and what is wrong with it, so the person running
 * `npm run build` can fix it without reading the packer's code. All problems found are reported
 * together; the build stops after collecting them.
 */

export type ProblemCode =
  | "MISSING_BUILD"
  | "VERSION_MISMATCH"
  | "MALFORMED_XML"
  | "INVALID_SOURCE"
  | "BROKEN_REFERENCE"
  | "INVALID_OPTION"
  | "INVALID_PACKAGE";

export interface Problem {
  readonly code: ProblemCode;
  /** The file (or folder) at fault, as the user knows it: a path relative to the repository, or a zip entry. */
  readonly file: string;
  readonly message: string;
}

export class SolutionBuildError extends Error {
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    super(
      problems.length === 1 && problems[0]
        ? formatProblem(problems[0])
        : `${problems.length} problems:\n${problems.map((p) => `  ${formatProblem(p)}`).join("\n")}`,
    );
    this.name = "SolutionBuildError";
    this.problems = problems;
  }
}

export function formatProblem(problem: Problem): string {
  return `${problem.file}: ${problem.message} [${problem.code}]`;
}

/**
 * Collects problems while a step runs, then throws them as one error. The same problem found twice
 * (a form places a control for the web, tablet and phone clients alike) is reported once.
 */
export class ProblemList {
  private readonly items: Problem[] = [];
  private readonly seen = new Set<string>();

  add(code: ProblemCode, file: string, message: string): void {
    const key = formatProblem({ code, file, message });
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push({ code, file, message });
  }

  /** Runs `check`, turning a thrown SolutionBuildError into collected problems. */
  collect(check: () => void): void {
    try {
      check();
    } catch (error) {
      if (!(error instanceof SolutionBuildError)) throw error;
      for (const problem of error.problems) this.add(problem.code, problem.file, problem.message);
    }
  }

  get isEmpty(): boolean {
    return this.items.length === 0;
  }

  throwIfAny(): void {
    if (this.items.length > 0) throw new SolutionBuildError(this.items);
  }
}

export function fail(code: ProblemCode, file: string, message: string): never {
  throw new SolutionBuildError([{ code, file, message }]);
}
