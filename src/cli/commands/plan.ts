import * as fs from "node:fs";
import { relative, resolve, sep } from "node:path";
import { Option } from "commander";
import git from "isomorphic-git";
import { systemClock } from "../../core/clock.js";
import { FerryError, isFerryError } from "../../core/errors.js";
import { loadDesiredState } from "../../manifests/load.js";
import { textLine } from "../../manifests/report.js";
import { createManifestValidator } from "../../manifests/validator.js";
import { gitTree } from "../../manifests/tree-git.js";
import type { LoadResult, TreeSource } from "../../manifests/types.js";
import { buildPlan } from "../../plan/plan.js";
import { renderPlanJson } from "../../plan/render-json.js";
import { renderPlanMarkdown } from "../../plan/render-markdown.js";
import { renderPlanText } from "../../plan/render-text.js";
import type { RegisterCommand } from "../main.js";

const PLAN_FORMATS = ["text", "markdown", "json"] as const;
type PlanFormat = (typeof PLAN_FORMATS)[number];

/**
 * `ferry plan --base REV [--head REV] [--repo DIR] [--format text|markdown|json]`: what
 * changing the desired state from one revision to another would make Ferry do. Both
 * revisions are read from the Git object store (no checkout). Exit 0 with a plan, 1 when a
 * revision is invalid (its problems are printed), 2 on usage errors (unknown revision).
 */
export const registerPlan: RegisterCommand = (program, setExit) => {
  program
    .command("plan")
    .description("show what a change of the desired state between two Git revisions would make Ferry do")
    .requiredOption("--base <rev>", "the revision before the change (branch, tag, commit, with ~N or ^N)")
    .option("--head <rev>", "the revision after the change", "HEAD")
    .option("--repo <dir>", "the Git repository holding the desired state", ".")
    .addOption(
      new Option("--format <format>", "markdown is for PR comments and $GITHUB_STEP_SUMMARY")
        .choices(PLAN_FORMATS)
        .default("text"),
    )
    .action(async (opts: { base: string; head: string; repo: string; format: PlanFormat }) => {
      const out = (s: string): void => void process.stdout.write(s);
      let dir: string;
      let revisions: { rev: string; oid: string }[];
      try {
        dir = await git.findRoot({ fs, filepath: resolve(opts.repo) }).catch((e: unknown) => {
          throw new FerryError("NotFound", `${opts.repo} is not inside a Git repository`, { cause: e });
        });
        revisions = await Promise.all(
          [opts.base, opts.head].map(async (rev) => ({ rev, oid: await resolveRevision(dir, rev) })),
        );
      } catch (e) {
        if (!isFerryError(e, "NotFound")) throw e;
        process.stderr.write(`ferry plan: ${e.message}\n`);
        setExit(2);
        return;
      }
      // The desired state may live in a folder of a larger repository (`--repo deploy/`).
      const folder = relative(dir, resolve(opts.repo)).split(sep).join("/");
      // One validator for both revisions: compiling the schemas is the costly part.
      const validator = createManifestValidator();
      const [base, head] = await Promise.all(
        revisions.map((r) =>
          loadDesiredState(subtree(gitTree({ fs, dir, ref: r.oid }), folder), { validator }),
        ),
      );
      const [baseRev, headRev] = revisions;
      if (!base || !head || !baseRev || !headRev) throw new FerryError("Internal", "two revisions expected");
      const labels = [label(baseRev), label(headRev)] as const;

      const invalid = [
        { which: "base", label: labels[0], result: base },
        { which: "head", label: labels[1], result: head },
      ].filter((r) => !r.result.valid);
      if (invalid.length > 0) {
        out(renderInvalid(invalid, opts.format));
        setExit(1);
        return;
      }
      const plan = buildPlan({
        base: base.state,
        head: head.state,
        baseLabel: labels[0],
        headLabel: labels[1],
        now: systemClock.now(),
      });
      out(
        opts.format === "json"
          ? renderPlanJson(plan)
          : opts.format === "markdown"
            ? renderPlanMarkdown(plan)
            : renderPlanText(plan),
      );
    });
};

/** The part of a tree under `folder`, with paths relative to it (the tree itself for ""). */
function subtree(tree: TreeSource, folder: string): TreeSource {
  if (folder === "") return tree;
  const prefix = `${folder}/`;
  return {
    description: `${tree.description}:${folder}`,
    async list() {
      // Sources narrow `under` at their own top level only, so the whole tree is listed here.
      const entries = await tree.list();
      return entries
        .filter((e) => e.path.startsWith(prefix))
        .map((e) => ({ ...e, path: e.path.slice(prefix.length) }));
    },
    read: (path) => tree.read(`${prefix}${path}`),
  };
}

function label(r: { rev: string; oid: string }): string {
  const short = r.oid.slice(0, 7);
  return r.oid.startsWith(r.rev.toLowerCase()) ? short : `${r.rev} (${short})`;
}

/**
 * A commit id for a revision: a branch, tag, `HEAD` or (abbreviated) commit id, optionally
 * followed by `~N` (N-th first-parent ancestor) and `^N` (N-th parent), as git rev-parse
 * takes them. isomorphic-git resolves the names; the suffixes are walked here.
 */
export async function resolveRevision(dir: string, rev: string): Promise<string> {
  const match = /^(.*?)((?:[~^]\d*)*)$/.exec(rev);
  const name = match?.[1] || "HEAD";
  const suffix = match?.[2] ?? "";
  let oid: string;
  try {
    oid = await git.resolveRef({ fs, dir, ref: name });
  } catch (first) {
    try {
      if (!/^[0-9a-f]{4,40}$/i.test(name)) throw first;
      oid = await git.expandOid({ fs, dir, oid: name.toLowerCase() });
    } catch {
      throw new FerryError("NotFound", `unknown revision ${JSON.stringify(rev)}`, {
        cause: first,
        data: { rev },
      });
    }
  }
  for (const [, op, digits] of suffix.matchAll(/([~^])(\d*)/g)) {
    const n = digits === "" || digits === undefined ? 1 : Number(digits);
    const steps = op === "~" ? Array<number>(n).fill(1) : n === 0 ? [] : [n];
    for (const parentNumber of steps) {
      const { commit } = await git.readCommit({ fs, dir, oid });
      const parent = commit.parent[parentNumber - 1];
      if (parent === undefined) {
        throw new FerryError(
          "NotFound",
          `unknown revision ${JSON.stringify(rev)}: ${oid.slice(0, 7)} has no such parent`,
          {
            data: { rev },
          },
        );
      }
      oid = parent;
    }
  }
  return oid;
}

function renderInvalid(
  invalid: readonly { which: string; label: string; result: LoadResult }[],
  format: PlanFormat,
): string {
  const errors = (r: LoadResult): LoadResult["problems"] => r.problems.filter((p) => p.severity === "error");
  if (format === "json") {
    return `${JSON.stringify(
      {
        valid: false,
        invalid: invalid.map((i) => ({ revision: i.which, label: i.label, problems: errors(i.result) })),
      },
      null,
      2,
    )}\n`;
  }
  const lines: string[] = [];
  for (const i of invalid) {
    const n = errors(i.result).length;
    const heading = `The ${i.which} revision ${i.label} is invalid (${n} problem${n === 1 ? "" : "s"}); Ferry cannot plan it. Fix these first:`;
    if (format === "markdown") {
      lines.push(`### Ferry plan: the ${i.which} revision is invalid`, "", heading, "", "```");
      lines.push(...errors(i.result).map((p) => textLine(p).replace(/`/g, "'")), "```", "");
    } else {
      lines.push(heading, ...errors(i.result).map((p) => `  ${textLine(p)}`), "");
    }
  }
  return `${lines.join("\n")}`;
}
