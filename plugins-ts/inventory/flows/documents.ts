/** What the FS → SCM document flows report, and SCM's refusal in words for the Field Service record. */
import type { ScmRejectedError } from "../../services/scm-client";

/** A record that cannot become an SCM document as it is (no lines, mixed companies, ...). */
export class DocumentFailure extends Error {
  override readonly name = "DocumentFailure";
  readonly code = "DOCUMENT_FAILED";
}

export interface DocumentOutcome {
  /** `changed`: sent (or found already sent); `failed`: marked failed on the record; `skipped`: nothing to do. */
  readonly outcome: "changed" | "failed" | "skipped";
  readonly message: string;
}

/**
 * SCM's refusal with each line error named by the Field Service line it came from:
 * `SCM refused ...: Filter box (line 2): Item 'A0001' is kept in 'ea', not 'box'; ...`.
 */
export function describeScmRefusal(error: ScmRejectedError, lineNames: readonly string[]): string {
  if (error.fieldErrors.length === 0) return error.message;
  const details = error.fieldErrors.map((fieldError) => {
    const line = /^lines\[(\d+)\](?:\.(.+))?$/.exec(fieldError.field ?? "");
    if (line === null) return `${fieldError.field ?? "(document)"}: ${fieldError.message}`;
    const index = Number(line[1]);
    return `${lineNames[index] ?? `line ${index + 1}`} (line ${index + 1}${line[2] === undefined ? "" : `, ${line[2]}`}): ${fieldError.message}`;
  });
  return `SCM refused it: ${details.join("; ")}`;
}
