import { redact } from "../core/errors.js";
import { CHANGE_SIGN, fieldRow, locationText, objectLabel, summaryLine } from "./render-common.js";
import type { Plan } from "./types.js";

/** The plan for a terminal: a summary line, then each object with what Ferry will do and its fields. */
export function renderPlanText(plan: Plan): string {
  const lines = [`Plan ${plan.base} → ${plan.head}: ${summaryLine(plan)}.`];
  plan.diff.objects.forEach((o, i) => {
    const a = plan.actions[i];
    const where = locationText(o);
    lines.push("", `${CHANGE_SIGN[o.change]} ${objectLabel(o)}${where ? ` (${where})` : ""}`);
    if (a) {
      lines.push(`    ${a.severity === "warning" ? "WARNING: " : ""}${redact(a.summary)}`);
      for (const d of a.details) lines.push(`    ${redact(d)}`);
    }
    for (const f of o.fields) {
      const row = fieldRow(f);
      lines.push(`      ${row.path}: ${row.before} → ${row.after}`);
    }
  });
  return `${lines.join("\n")}\n`;
}
