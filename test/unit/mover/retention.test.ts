import { describe, expect, it } from "vitest";
import {
  applyRetention,
  parseDuration,
  retentionPolicyOf,
  type RetentionPolicy,
  type SnapshotFacts,
} from "../../../src/mover/retention.js";

const DAY = 86_400_000;

/** Snapshot `name` of volume `pvc` taken `day` days after 2026-01-01. */
function snap(name: string, day: number, tags: Record<string, string> = {}): SnapshotFacts {
  return {
    id: name,
    time: new Date(Date.parse("2026-01-01T00:00:00Z") + day * DAY).toISOString(),
    source: "/data",
    tags,
  };
}

const rep = (pvc: string, cycle: string) => ({ replication: "shop.db", pvc, cycle });

const history = [
  snap("a1", 0, rep("a", "c1")),
  snap("b1", 0, rep("b", "c1")),
  snap("a2", 1, rep("a", "c2")),
  snap("b2", 1, rep("b", "c2")),
  snap("a3", 2, rep("a", "c3")),
  snap("b3", 2, rep("b", "c3")),
  snap("a4", 9, rep("a", "c4")),
  snap("m1", 0, { backup: "mig-1", claim: "shop.db-0" }),
  snap("m2", 5, { backup: "mig-2", claim: "shop.db-0" }),
];

const policy = (p: Partial<RetentionPolicy>): RetentionPolicy => ({
  tags: {},
  groupBy: ["replication", "pvc", "backup", "claim"],
  ...p,
});

describe("applyRetention", () => {
  it.each([
    {
      what: "keep-last 2 per volume: each pvc keeps its two newest, cycles do not split groups",
      policy: policy({ keepLast: 2 }),
      keep: ["a3", "a4", "b2", "b3", "m1", "m2"],
      forget: ["a1", "a2", "b1"],
      untouched: 0,
    },
    {
      what: "keep-last 1 with a tag filter leaves other snapshots alone",
      policy: policy({ keepLast: 1, tags: { replication: "shop.db" } }),
      keep: ["a4", "b3"],
      forget: ["a1", "a2", "a3", "b1", "b2"],
      untouched: 2,
    },
    {
      what: "keep-within is relative to the group's newest snapshot",
      policy: policy({ keepWithinMs: 1 * DAY, tags: { replication: "shop.db" } }),
      keep: ["a4", "b2", "b3"],
      forget: ["a1", "a2", "a3", "b1"],
      untouched: 2,
    },
    {
      what: "keep-within 7d: pvc a's newest is day 9, so day 2 is kept and days 0-1 go",
      policy: policy({ keepWithinMs: 7 * DAY, tags: { pvc: "a" } }),
      keep: ["a3", "a4"],
      forget: ["a1", "a2"],
      untouched: 5,
    },
    {
      what: "either rule keeps a snapshot",
      policy: policy({ keepLast: 1, keepWithinMs: 1 * DAY, tags: { pvc: "b" } }),
      keep: ["b2", "b3"],
      forget: ["b1"],
      untouched: 6,
    },
    {
      what: "group-by nothing: one history per source (dangerous, but asked for)",
      policy: policy({ keepLast: 2, groupBy: [] }),
      keep: ["a4", "m2"],
      forget: ["a1", "a2", "a3", "b1", "b2", "b3", "m1"],
      untouched: 0,
    },
    {
      what: "a tag nobody has selects nothing",
      policy: policy({ keepLast: 1, tags: { replication: "other" } }),
      keep: [],
      forget: [],
      untouched: 9,
    },
  ])("$what", ({ policy: p, keep, forget, untouched }) => {
    const decision = applyRetention(history, p);
    expect(decision.keep.map((k) => k.id).sort()).toEqual(keep);
    expect(decision.forget.map((f) => f.id).sort()).toEqual(forget);
    expect(decision.untouched).toBe(untouched);
  });

  it("names why a snapshot is kept and the group it belongs to", () => {
    const decision = applyRetention(history, policy({ keepLast: 1, keepWithinMs: DAY, tags: { pvc: "b" } }));
    expect(decision.keep).toEqual([
      { id: "b3", group: "/data replication=shop.db pvc=b", reasons: ["last", "within"] },
      { id: "b2", group: "/data replication=shop.db pvc=b", reasons: ["within"] },
    ]);
    expect(decision.forget).toEqual([{ id: "b1", group: "/data replication=shop.db pvc=b" }]);
  });

  it.each([
    { p: policy({ keepLast: 1 }), newest: ["a4", "b3", "m1", "m2"] },
    { p: policy({ keepWithinMs: 0 }), newest: ["a4", "b3", "m1", "m2"] },
    { p: policy({ keepWithinMs: 0, groupBy: [] }), newest: ["a4"] },
  ])("always keeps the newest snapshot of every group ($newest)", ({ p, newest }) => {
    expect(
      applyRetention(history, p)
        .keep.map((k) => k.id)
        .sort(),
    ).toEqual(newest);
  });

  it("groups by the tags alone with ignoreSource (a history read from a new path each time)", () => {
    const moved = history.map((s, i) => ({ ...s, source: `/volumes/pvc-${i}` }));
    expect(applyRetention(moved, policy({ keepLast: 1 })).forget).toEqual([]);
    const decision = applyRetention(moved, policy({ keepLast: 1, ignoreSource: true }));
    expect(decision.keep).toEqual([
      { id: "m1", group: "backup=mig-1 claim=shop.db-0", reasons: ["last"] },
      { id: "m2", group: "backup=mig-2 claim=shop.db-0", reasons: ["last"] },
      { id: "a4", group: "replication=shop.db pvc=a", reasons: ["last"] },
      { id: "b3", group: "replication=shop.db pvc=b", reasons: ["last"] },
    ]);
    expect(retentionPolicyOf({ keepLast: "1", ignoreSource: true })).toMatchObject({
      ok: true,
      value: { ignoreSource: true },
    });
  });

  it("is stable for equal times (id order)", () => {
    const same = [snap("y", 3), snap("x", 3), snap("z", 3)];
    expect(applyRetention(same, policy({ keepLast: 2 })).keep.map((k) => k.id)).toEqual(["x", "y"]);
  });
});

describe("parseDuration", () => {
  it.each([
    ["7d", 7 * DAY],
    ["36h", 36 * 3_600_000],
    ["2w", 14 * DAY],
    ["1y2w3d4h", 365 * DAY + 14 * DAY + 3 * DAY + 4 * 3_600_000],
  ])("%s", (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, value: ms });
  });

  it.each(["", "7", "6m", "1.5d", "d", "7 d", "-1d"])("refuses %j", (text) => {
    const parsed = parseDuration(text);
    expect(parsed.ok).toBe(false);
  });
});

describe("retentionPolicyOf", () => {
  it("builds a policy with the default grouping", () => {
    expect(retentionPolicyOf({ keepLast: "3", keepWithin: "7d", tags: ["replication=shop.db"] })).toEqual({
      ok: true,
      value: {
        keepLast: 3,
        keepWithinMs: 7 * DAY,
        tags: { replication: "shop.db" },
        groupBy: ["replication", "pvc", "backup", "claim"],
      },
    });
    expect(retentionPolicyOf({ keepLast: "1", groupBy: "pvc, ,claim" })).toMatchObject({
      ok: true,
      value: { groupBy: ["pvc", "claim"] },
    });
  });

  it("reports every problem at once", () => {
    expect(retentionPolicyOf({ keepLast: "0", keepWithin: "6m", tags: ["novalue"] })).toEqual({
      ok: false,
      error: [
        '--keep-last must be a whole number of at least 1, not "0"',
        '--keep-within: "6m" is not a duration such as 7d, 36h, 2w or 1y (units: y, w, d, h)',
        '--tag "novalue" is not key=value',
      ],
    });
    expect(retentionPolicyOf({})).toEqual({
      ok: false,
      error: ["give at least one of --keep-last and --keep-within (forget never removes everything)"],
    });
  });
});
