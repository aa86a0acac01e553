import type { FieldPath, LoadedObject, MigrationSpec } from "../types.js";
import type { CheckContext } from "./context.js";
import { problemAt } from "./problem.js";

/** Migrations and the templates of migration schedules: references, fleet membership, targets. */
export function checkMigrations(ctx: CheckContext): void {
  for (const migration of ctx.state.list("Migration")) {
    checkMigrationSpec(ctx, migration, ["spec"], migration.manifest.spec);
  }
  for (const schedule of ctx.state.list("MigrationSchedule")) {
    ctx.resolves(
      schedule,
      ["spec", "schedulePolicyName"],
      "SchedulePolicy",
      schedule.manifest.spec.schedulePolicyName,
    );
    checkMigrationSpec(ctx, schedule, ["spec", "template", "spec"], schedule.manifest.spec.template.spec);
  }
}

function checkMigrationSpec(
  ctx: CheckContext,
  object: LoadedObject,
  at: FieldPath,
  spec: MigrationSpec,
): void {
  const fleetOk = ctx.resolves(object, [...at, "fleet"], "Fleet", spec.fleet);
  ctx.resolves(object, [...at, "repository"], "ReplicationRepository", spec.repository);

  const member = (path: FieldPath, cluster: string): void => {
    if (!ctx.resolves(object, path, "Cluster", cluster) || !fleetOk) return;
    if (!ctx.isMember(spec.fleet, cluster)) {
      ctx.report(
        problemAt(object, path, "not-in-fleet", `cluster ${cluster} is not a member of fleet ${spec.fleet}`),
      );
    }
  };
  member([...at, "source", "cluster"], spec.source.cluster);

  const seen = new Set<string>();
  spec.targets.forEach((target, i) => {
    const path = [...at, "targets", i, "cluster"];
    if (seen.has(target.cluster)) {
      ctx.report(problemAt(object, path, "invalid-value", `cluster ${target.cluster} is already a target`));
      return;
    }
    seen.add(target.cluster);
    member(path, target.cluster);
    if (target.cluster === spec.source.cluster && spec.backupToSelf !== true) {
      ctx.report(
        problemAt(
          object,
          path,
          "target-is-source",
          `target ${target.cluster} is the source cluster; set ${[...at, "backupToSelf"].join(".")}: true to back up to the source itself`,
        ),
      );
    }
  });

  const namespaces = new Set(spec.namespaces);
  for (const from of Object.keys(spec.namespaceMapping ?? {})) {
    if (!namespaces.has(from)) {
      ctx.report(
        problemAt(
          object,
          [...at, "namespaceMapping", from],
          "unresolved-reference",
          `namespace ${from} is not among ${[...at, "namespaces"].join(".")}`,
          "warning",
        ),
      );
    }
  }
}
