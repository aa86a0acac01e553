import type { DesiredStateDiff, ObjectDiff, PlannedAction } from "../types.js";
import type { DescribeContext } from "./context.js";
import {
  describeCluster,
  describeFleet,
  describeRepository,
  describeSchedulePolicy,
} from "./infrastructure.js";
import { describeMigration, describeMigrationSchedule } from "./migration.js";
import { describeVolumeGroup, describeVolumeReplication } from "./volumes.js";

export type { DescribeContext };

/**
 * What Ferry will do about each changed object, in plain words. Pure: the states and the time
 * (for next runs) are inputs. It describes the desired state only; what is live on the
 * clusters is not consulted.
 */
export function describeActions(diff: DesiredStateDiff, ctx: DescribeContext): PlannedAction[] {
  return diff.objects.map((d) => describeOne(d, ctx));
}

function describeOne(diff: ObjectDiff, ctx: DescribeContext): PlannedAction {
  switch (diff.key.kind) {
    case "Cluster":
      return describeCluster(diff, ctx);
    case "Fleet":
      return describeFleet(diff, ctx);
    case "ReplicationRepository":
      return describeRepository(diff, ctx);
    case "SchedulePolicy":
      return describeSchedulePolicy(diff, ctx);
    case "Migration":
      return describeMigration(diff);
    case "MigrationSchedule":
      return describeMigrationSchedule(diff, ctx);
    case "VolumeGroup":
      return describeVolumeGroup(diff, ctx);
    case "VolumeReplication":
      return describeVolumeReplication(diff, ctx);
  }
}
