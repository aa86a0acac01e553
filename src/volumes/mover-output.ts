/**
 * The mover's JSON-lines protocol (docs/mover.md), parsed without trusting it: a line that is
 * not one of its objects is ignored, so log noise never breaks the driver.
 */
export interface MoverProgress {
  readonly type: "progress";
  readonly task: string;
  readonly bytesDone: number;
  readonly bytesTotal?: number;
}

export interface MoverBackupResult {
  readonly type: "result";
  readonly command: "backup";
  readonly snapshotId: string;
  readonly bytesRead: number;
  readonly bytesUploaded: number;
}

export interface MoverRestoreResult {
  readonly type: "result";
  readonly command: "restore";
  readonly snapshotId: string;
  readonly bytesWritten: number;
}

/** `ferry mover forget --summary --json`: counts only (the lists would overflow a termination message). */
export interface MoverForgetResult {
  readonly type: "result";
  readonly command: "forget";
  readonly keptCount: number;
  readonly removedCount: number;
  /** Snapshots that did not carry the forget's tags (other replications, migrations). */
  readonly untouched: number;
}

/** `ferry mover prune --json`: what the scheduled prune reports in the repository's status. */
export interface MoverPruneResult {
  readonly type: "result";
  readonly command: "prune";
  readonly snapshots: number;
  readonly packsRemoved: number;
  readonly packsRepacked: number;
  readonly bytesRemoved: number;
  readonly bytesWritten: number;
  readonly unusedBytesAfter: number;
}

export interface MoverError {
  readonly type: "error";
  readonly code: string;
  readonly message: string;
}

export type MoverLine =
  MoverProgress | MoverBackupResult | MoverRestoreResult | MoverForgetResult | MoverPruneResult | MoverError;

/** One line of mover output, or undefined when it is not a mover object. */
export function parseMoverLine(line: string): MoverLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line.trim());
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const o = value as Record<string, unknown>;
  const num = (k: string): number => (typeof o[k] === "number" ? o[k] : 0);
  if (o["type"] === "progress" && typeof o["task"] === "string") {
    return {
      type: "progress",
      task: o["task"],
      bytesDone: num("bytesDone"),
      ...(typeof o["bytesTotal"] === "number" ? { bytesTotal: o["bytesTotal"] } : {}),
    };
  }
  if (o["type"] === "result" && typeof o["snapshotId"] === "string") {
    if (o["command"] === "backup") {
      return {
        type: "result",
        command: "backup",
        snapshotId: o["snapshotId"],
        bytesRead: num("bytesRead"),
        bytesUploaded: num("bytesUploaded"),
      };
    }
    if (o["command"] === "restore") {
      return {
        type: "result",
        command: "restore",
        snapshotId: o["snapshotId"],
        bytesWritten: num("bytesWritten"),
      };
    }
  }
  if (o["type"] === "result" && o["command"] === "forget" && typeof o["removedCount"] === "number") {
    return {
      type: "result",
      command: "forget",
      keptCount: num("keptCount"),
      removedCount: o["removedCount"],
      untouched: num("untouched"),
    };
  }
  if (o["type"] === "result" && o["command"] === "prune" && typeof o["packsRemoved"] === "number") {
    return {
      type: "result",
      command: "prune",
      snapshots: num("snapshots"),
      packsRemoved: o["packsRemoved"],
      packsRepacked: num("packsRepacked"),
      bytesRemoved: num("bytesRemoved"),
      bytesWritten: num("bytesWritten"),
      unusedBytesAfter: num("unusedBytesAfter"),
    };
  }
  if (o["type"] === "error" && typeof o["message"] === "string") {
    return {
      type: "error",
      code: typeof o["code"] === "string" ? o["code"] : "Internal",
      message: o["message"],
    };
  }
  return undefined;
}

/** The last progress line of a log, if any. */
export function lastProgress(log: string): MoverProgress | undefined {
  const lines = log.split("\n");
  for (let i = lines.length - 1; i >= 0; i--) {
    const parsed = parseMoverLine(lines[i] ?? "");
    if (parsed?.type === "progress") return parsed;
  }
  return undefined;
}
