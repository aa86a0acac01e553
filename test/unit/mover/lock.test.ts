import { describe, expect, it } from "vitest";
import { isFerryError } from "../../../src/core/errors.js";
import { acquireMoverLock, judgeLocks, type MoverLockKind } from "../../../src/mover/lock.js";
import { acquireLock, listLocks, type LockInfo } from "../../../src/repository/locks.js";
import { ManualClock } from "../../helpers/manual-clock.js";
import { MemoryObjectStore } from "../../helpers/memory-store.js";

const NOW = Date.parse("2026-03-02T10:00:00Z");
const MIN = 60_000;

function lock(key: string, operation: string, minutesOld: number): LockInfo {
  return { key, operation, name: "host", createdAt: new Date(NOW - minutesOld * MIN).toISOString() };
}

describe("judgeLocks", () => {
  const others = [
    lock("locks/mover-backup-1.json", "mover-backup", 1),
    lock("locks/mover-restore-2.json", "mover-restore", 2),
    lock("locks/mover-prune-3.json", "mover-prune", 3),
    lock("locks/mover-backup-old.json", "mover-backup", 45),
    lock("locks/backup-4.json", "backup", 1), // a resource backup: not the mover's business
  ];
  it.each<{ kind: MoverLockKind; conflicts: string[] }>([
    {
      kind: "prune",
      conflicts: ["locks/mover-backup-1.json", "locks/mover-restore-2.json", "locks/mover-prune-3.json"],
    },
    { kind: "backup", conflicts: ["locks/mover-prune-3.json"] },
    { kind: "restore", conflicts: ["locks/mover-prune-3.json"] },
  ])("$kind", ({ kind, conflicts }) => {
    const judged = judgeLocks({ key: "locks/mine.json", kind }, others, NOW, 30 * MIN);
    expect(judged.conflicts.map((l) => l.key)).toEqual(conflicts);
    expect(judged.stale.map((l) => l.key)).toEqual(["locks/mover-backup-old.json"]);
  });

  it("ignores its own lock and shared locks between backups and restores", () => {
    const mine = lock("locks/mine.json", "mover-prune", 0);
    expect(judgeLocks({ key: mine.key, kind: "prune" }, [mine], NOW, 30 * MIN).conflicts).toEqual([]);
    expect(judgeLocks({ key: "x", kind: "backup" }, others.slice(0, 2), NOW, 30 * MIN).conflicts).toEqual([]);
  });
});

describe("acquireMoverLock", () => {
  it("refuses a prune while a backup holds its lock, and a backup while a prune holds one", async () => {
    const store = new MemoryObjectStore();
    const clock = new ManualClock();
    const backup = await acquireMoverLock({ store, clock, kind: "backup", hostname: "node-a" });
    const refused = await acquireMoverLock({ store, clock, kind: "prune", hostname: "node-b" }).catch(
      (e: unknown) => e,
    );
    expect(isFerryError(refused, "Conflict") && refused.message).toMatch(/locked: backup by node-a pid \d+/);
    expect((await listLocks(store)).map((l) => l.operation)).toEqual(["mover-backup"]);
    await backup.release();

    const prune = await acquireMoverLock({ store, clock, kind: "prune", hostname: "node-b" });
    const blocked = await acquireMoverLock({ store, clock, kind: "backup" }).catch((e: unknown) => e);
    expect(isFerryError(blocked, "Conflict")).toBe(true);
    await prune.release();
    expect(store.objects.size).toBe(0);
  });

  it("renews its lock, so a long backup never looks stale; a prune removes stale mover locks only", async () => {
    const store = new MemoryObjectStore();
    const clock = new ManualClock();
    const resource = await acquireLock(store, { operation: "backup", name: "apps", clock });
    const dead = await acquireMoverLock({ store, clock, kind: "backup", refreshEveryMs: 60 * MIN });
    const alive = await acquireMoverLock({ store, clock, kind: "backup", refreshEveryMs: 5 * MIN });
    for (let i = 0; i < 8; i++) {
      await clock.sleepers(2);
      clock.advance(5 * MIN); // 40 minutes in all: `dead` renewed never, `alive` every 5 minutes
      await new Promise((r) => setImmediate(r));
    }
    expect(() => alive.check()).not.toThrow();
    expect(() => dead.check()).toThrow(/went stale/);
    await expect(acquireMoverLock({ store, clock, kind: "prune" })).rejects.toThrow(/locked: backup/);
    await alive.release();
    const prune = await acquireMoverLock({ store, clock, kind: "prune" });
    expect((await listLocks(store)).map((l) => l.key).sort()).toEqual([prune.key, resource.key].sort());
    await prune.release();
    await resource.release();
  });

  it("reports a failed renewal through check()", async () => {
    const store = new MemoryObjectStore();
    const clock = new ManualClock();
    const held = await acquireMoverLock({ store, clock, kind: "prune", refreshEveryMs: 5 * MIN });
    store.put = () => Promise.reject(new Error("bucket gone"));
    await clock.sleepers(1);
    clock.advance(5 * MIN);
    await new Promise((r) => setImmediate(r));
    expect(() => held.check()).toThrow(/could not be renewed/);
    await held.release();
  });
});
