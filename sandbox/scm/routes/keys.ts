/** Key predicates of OData URLs, checked against the entity's composite key. */
import type { ScmEntityDefinition, ScmKey } from "@fsi/core";
import type { KeyPredicate } from "../../odata";
import { scmError } from "../errors";

/** The key predicate must name every key field of the entity, each as a quoted string. */
export function keyOf(entity: ScmEntityDefinition, predicate: KeyPredicate): ScmKey {
  const example = `${entity.collection}(${entity.keys.map((name) => `${name}='...'`).join(",")})`;
  if (predicate.kind === "simple") {
    throw scmError(400, "InvalidKey", `${entity.collection} has a composite key; address a record as ${example}.`);
  }
  const key: Record<string, string> = {};
  for (const [name, literal] of predicate.values) {
    if (!entity.keys.includes(name)) {
      throw scmError(400, "InvalidKey", `'${name}' is not a key field of ${entity.collection}; the key is ${example}.`);
    }
    if (literal.kind !== "string" || typeof literal.value !== "string") {
      throw scmError(400, "InvalidKey", `The key field '${name}' must be a quoted string, e.g. ${name}='11'.`);
    }
    key[name] = literal.value;
  }
  const missing = entity.keys.filter((name) => key[name] === undefined);
  if (missing.length > 0) {
    throw scmError(400, "InvalidKey", `The key is missing ${missing.join(", ")}; address a record as ${example}.`);
  }
  return key;
}
