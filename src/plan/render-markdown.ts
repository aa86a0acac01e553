import { redact } from "../core/errors.js";
import { fieldRow, locationText, objectLabel, summaryLine } from "./render-common.js";
import type { ChangeType, Plan } from "./types.js";

const ICON: Readonly<Record<ChangeType, string>> = { added: "➕", changed: "✏️", removed: "➖" };

/**
 * Markdown for a pull-request comment or `$GITHUB_STEP_SUMMARY`: a summary line, a table with
 * one row per object, then the field changes of each object in a collapsed section. Every
 * value from a manifest is escaped, so a manifest cannot inject markup into the comment.
 */
export function renderPlanMarkdown(plan: Plan): string {
  const out: string[] = [
    `### Ferry plan: ${summaryLine(plan)}`,
    "",
    `Comparing \`${code(plan.base)}\` → \`${code(plan.head)}\`.`,
  ];
  if (plan.diff.objects.length === 0) {
    out.push("", "The desired state is the same in both revisions; Ferry has nothing to do.");
    return `${out.join("\n")}\n`;
  }
  const warnings = plan.actions.filter((a) => a.severity === "warning").length;
  if (warnings > 0)
    out.push(
      "",
      `> [!WARNING]\n> ${warnings} change${warnings === 1 ? "" : "s"} need${warnings === 1 ? "s" : ""} attention (marked ⚠️).`,
    );
  out.push("", "| | Object | What Ferry will do |", "|---|---|---|");
  plan.diff.objects.forEach((o, i) => {
    const a = plan.actions[i];
    const what = a ? `${a.severity === "warning" ? "⚠️ " : ""}${cell(a.summary)}` : "";
    out.push(`| ${ICON[o.change]} | ${cell(objectLabel(o))} | ${what} |`);
  });
  plan.diff.objects.forEach((o, i) => {
    const a = plan.actions[i];
    const where = locationText(o);
    out.push(
      "",
      `<details><summary>${ICON[o.change]} ${html(objectLabel(o))}${where ? ` — ${html(where)}` : ""}</summary>`,
      "",
    );
    if (a) {
      out.push(cell(a.summary));
      for (const d of a.details) out.push(`- ${cell(d)}`);
    }
    if (o.fields.length > 0) {
      out.push("", "| Field | Before | After |", "|---|---|---|");
      for (const f of o.fields) {
        const row = fieldRow(f);
        out.push(`| \`${code(row.path)}\` | \`${code(row.before)}\` | \`${code(row.after)}\` |`);
      }
    }
    out.push("", "</details>");
  });
  return `${out.join("\n")}\n`;
}

function html(text: string): string {
  return redact(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Text for a table cell: no markup, no pipes, no line breaks. */
function cell(text: string): string {
  return html(text)
    .replace(/\|/g, "\\|")
    .replace(/[*_`[\]]/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, " ");
}

/** Text inside a code span in a table cell: backticks and pipes cannot be escaped there, so they are swapped. */
function code(text: string): string {
  return redact(text).replace(/`/g, "'").replace(/\|/g, "¦").replace(/\r?\n/g, " ");
}
