/**
 * Test double for the lookup resolution a caller does with I/O: a directory of rows by id and by
 * natural key, filled from the references a generated record holds.
 */
import type { DataverseLookupQuery, DataverseRecord, EntityReference, ScmLookupQuery } from "../..";
import { isEntityReference, tableByLogicalName } from "../..";

/** A company code no generated record uses (codes have at most 4 characters). */
const OTHER_COMPANY = "other";

interface Entry {
  readonly reference: EntityReference;
  readonly key: string;
  readonly companyCode: string;
}

export class Directory {
  private readonly entries: Entry[] = [];

  /** Gives every reference in the record a natural key (K1, K2, ...; the company its code). */
  constructor(record: Readonly<DataverseRecord>, companyColumn: string, companyCode: string) {
    for (const [column, value] of Object.entries(record)) {
      if (!isEntityReference(value) || this.byId(value.id) !== undefined) continue;
      const key = column === companyColumn ? companyCode : `K${this.entries.length + 1}`;
      this.entries.push({ reference: value, key, companyCode });
      // A same-keyed row in another company: a lookup that forgets its company is ambiguous.
      if (tableByLogicalName(value.logicalName)?.companyScoped === true) {
        this.entries.push({ reference: { ...value, id: `decoy-${value.id}` }, key, companyCode: OTHER_COMPANY });
      }
    }
  }

  answerScm(queries: readonly ScmLookupQuery[]): Record<string, string> {
    const answers: Record<string, string> = {};
    for (const query of queries) {
      const entry = this.byId(query.reference.id);
      if (entry !== undefined) answers[query.column] = entry.key;
    }
    return answers;
  }

  answerDataverse(queries: readonly DataverseLookupQuery[]): Record<string, EntityReference> {
    const answers: Record<string, EntityReference> = {};
    for (const query of queries) {
      const [key] = Object.values(query.reference.keys);
      const matches = this.entries.filter(
        (candidate) =>
          candidate.key === key &&
          candidate.reference.logicalName === query.reference.logicalName &&
          (query.reference.companyCode === undefined || candidate.companyCode === query.reference.companyCode),
      );
      // Like an alternate-key lookup, only a single match is an answer.
      const [only] = matches;
      if (only !== undefined && matches.length === 1) answers[query.column] = only.reference;
    }
    return answers;
  }

  private byId(id: string): Entry | undefined {
    return this.entries.find((entry) => entry.reference.id === id);
  }
}
