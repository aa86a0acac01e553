/**
 * Applies a remediation proposal's manifest changes to a file's YAML text through the yaml
 * library's document model, so comments and key order are kept. Only the document of the
 * object (by index in a multi-document file) is edited; the other documents are left as
 * they were, byte for byte.
 */
import { isSeq, parseAllDocuments } from "yaml";
import { FerryError } from "../../core/errors.js";
import type { ManifestChange } from "../../engine/prechecks/types.js";

/** `text` with `changes` applied to its document number `documentIndex`. */
export function applyManifestChanges(
  text: string,
  documentIndex: number,
  changes: readonly ManifestChange[],
): string {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) throw new FerryError("Invalid", "not a YAML stream");
  const doc = docs[documentIndex];
  if (doc === undefined) {
    throw new FerryError("NotFound", `the file has no document ${documentIndex + 1}`);
  }
  for (const change of changes) {
    const path = [...change.path];
    if (change.op === "set") {
      doc.setIn(path, doc.createNode(change.value));
      continue;
    }
    const current = doc.getIn(path, true);
    if (current === undefined || current === null) doc.setIn(path, doc.createNode([change.value]));
    else if (isSeq(current)) current.add(doc.createNode(change.value));
    else throw new FerryError("Invalid", `cannot append to ${path.join(".")}: not a list`);
  }
  // Only the edited document is re-serialised; the others keep their text byte for byte.
  return docs
    .map((d, i) => {
      if (i === documentIndex) return d.toString({ lineWidth: 0 });
      const start = i === 0 ? 0 : d.range[0];
      const end = docs[i + 1]?.range[0] ?? text.length;
      return text.slice(start, end);
    })
    .join("");
}
