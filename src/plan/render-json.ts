import { redact } from "../core/errors.js";
import { formatPath } from "./diff.js";
import { redactField } from "./redact.js";
import type { Plan } from "./types.js";

/** The plan as JSON for tools: counts, and per object its key, file, actions and redacted field changes. */
export function renderPlanJson(plan: Plan): string {
  const count = (c: string): number => plan.diff.objects.filter((o) => o.change === c).length;
  const doc = {
    base: plan.base,
    head: plan.head,
    summary: {
      added: count("added"),
      changed: count("changed"),
      removed: count("removed"),
      unchanged: plan.diff.unchanged,
    },
    objects: plan.diff.objects.map((o, i) => {
      const a = plan.actions[i];
      return {
        change: o.change,
        kind: o.key.kind,
        ...(o.key.namespace === undefined ? {} : { namespace: o.key.namespace }),
        name: o.key.name,
        ...(o.location === undefined ? {} : { file: o.location.file, line: o.location.line }),
        severity: a?.severity ?? "info",
        summary: redact(a?.summary ?? ""),
        details: (a?.details ?? []).map(redact),
        fields: o.fields.map((f) => ({
          path: formatPath(f.path),
          ...("before" in f ? { before: redactField(f.path, f.before) } : {}),
          ...("after" in f ? { after: redactField(f.path, f.after) } : {}),
        })),
      };
    }),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
