import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { Option } from "commander";
import { stringify } from "yaml";
import { systemClock } from "../../core/clock.js";
import { loadDesiredState } from "../../manifests/load.js";
import { directoryTree } from "../../manifests/tree-dir.js";
import type { RegisterCommand } from "../main.js";
import { findResource, formatTable, RESOURCES } from "./get-tables.js";

const OUTPUTS = ["table", "wide", "yaml", "json"] as const;
type Output = (typeof OUTPUTS)[number];

/**
 * `ferry get RESOURCE [NAME] [--repo DIR] [-o yaml|json|wide]`: the desired state as tables,
 * like kubectl and storkctl (`ferry get schedulepolicy` prints storkctl's columns). Reads the
 * files of DIR; exit 1 when NAME is not found or the desired state has errors (the valid
 * objects are still shown), 2 on usage errors.
 */
export const registerGet: RegisterCommand = (program, setExit) => {
  const kinds = RESOURCES.map((r) => r.names[0]).join(", ");
  program
    .command("get")
    .description(`list objects of the desired state: ${kinds}`)
    .argument("<resource>", `one of ${kinds} (singular and short names work too: schedulepolicy, sp, vr)`)
    .argument("[name]", "only this object")
    .option("--repo <dir>", "the desired-state repo", ".")
    .addOption(new Option("-o, --output <format>", "output format").choices(OUTPUTS).default("table"))
    .action(
      async (resourceName: string, name: string | undefined, opts: { repo: string; output: Output }) => {
        const resource = findResource(resourceName);
        if (resource === undefined) {
          process.stderr.write(`ferry get: unknown resource type "${resourceName}"; use one of ${kinds}\n`);
          setExit(2);
          return;
        }
        const root = resolve(opts.repo);
        const info = await stat(root).catch(() => undefined);
        if (info === undefined || !info.isDirectory()) {
          process.stderr.write(`ferry get: ${opts.repo} is not a directory\n`);
          setExit(2);
          return;
        }
        const result = await loadDesiredState(directoryTree(root));
        const errors = result.problems.filter((p) => p.severity === "error").length;
        if (errors > 0) {
          process.stderr.write(
            `ferry get: warning: the desired state has ${errors} error${errors === 1 ? "" : "s"}; invalid objects are not shown (run ferry validate ${opts.repo})\n`,
          );
          setExit(1);
        }
        const objects = result.state
          .list(resource.kind)
          .filter((o) => name === undefined || o.manifest.metadata.name === name)
          .sort(
            (a, b) =>
              (a.manifest.metadata.namespace ?? "").localeCompare(b.manifest.metadata.namespace ?? "") ||
              a.manifest.metadata.name.localeCompare(b.manifest.metadata.name),
          );
        if (objects.length === 0) {
          if (name !== undefined) {
            process.stderr.write(`ferry get: ${resource.names[1]} "${name}" not found\n`);
            setExit(1);
          } else {
            process.stderr.write("No resources found.\n");
          }
          return;
        }
        if (opts.output === "json" || opts.output === "yaml") {
          const manifests = objects.map((o) => o.manifest);
          const doc =
            name !== undefined && manifests.length === 1
              ? manifests[0]
              : { apiVersion: "v1", kind: "List", items: manifests };
          process.stdout.write(opts.output === "json" ? `${JSON.stringify(doc, null, 2)}\n` : stringify(doc));
          return;
        }
        const wide = opts.output === "wide";
        const ctx = { state: result.state, now: systemClock.now(), wide };
        const header = wide ? [...resource.columns, ...(resource.wideColumns ?? [])] : resource.columns;
        process.stdout.write(
          formatTable(
            header,
            objects.map((o) => resource.row(o, ctx)),
          ),
        );
      },
    );
};
