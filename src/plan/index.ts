/** Plan: the semantic difference between two desired states and what Ferry will do about it. Pure. */
export { buildPlan, type BuildPlanOptions } from "./plan.js";
export { diffDesiredStates, fieldChanges, formatPath } from "./diff.js";
export { describeActions, type DescribeContext } from "./describe/index.js";
export { renderPlanMarkdown } from "./render-markdown.js";
export { renderPlanText } from "./render-text.js";
export { renderPlanJson } from "./render-json.js";
export { redactField, REDACTED } from "./redact.js";
export type * from "./types.js";
