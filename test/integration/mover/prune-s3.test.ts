import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../../src/core/clock.js";
import { forget } from "../../../src/mover/forget.js";
import { prune } from "../../../src/mover/prune.js";
import { restore } from "../../../src/mover/restore.js";
import { DEFAULT_GROUP_BY } from "../../../src/mover/retention.js";
import { deriveKey } from "../../../src/repository/crypto.js";
import { S3ObjectStore } from "../../../src/repository/s3-store.js";
import { S3RVER_CREDENTIALS, startS3rver, type RunningS3rver } from "../../helpers/s3rver.js";
import { describeTree } from "./fixture.js";
import { backupHistory, keys } from "./history.js";

describe("forget + prune against S3 (s3rver)", () => {
  let s3: RunningS3rver;
  let dir: string;
  beforeAll(async () => {
    s3 = await startS3rver(["ferry"]);
    dir = await mkdtemp(join(tmpdir(), "ferry-prune-s3-"));
  });
  afterAll(async () => {
    await s3.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("removes the forgotten snapshots' packs and keeps the last snapshot byte-identical", async () => {
    const store = new S3ObjectStore({
      bucket: "ferry",
      prefix: "east-1/pg",
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: S3RVER_CREDENTIALS,
    });
    try {
      const key = deriveKey("s3 prune secret");
      const history = await backupHistory({ store, key, source: join(dir, "src"), generations: 3 });
      const packsBefore = await keys(store, "packs/");
      await forget({ store, key, policy: { keepLast: 1, tags: {}, groupBy: DEFAULT_GROUP_BY } });
      const report = await prune({ store, key, clock: systemClock });
      expect(report.packsRemoved).toBeGreaterThan(0);
      const packsAfter = await keys(store, "packs/");
      expect(packsAfter.length).toBe(
        packsBefore.length - report.packsRemoved - report.packsRepacked + report.packsWritten,
      );
      expect(await keys(store, "index/")).toHaveLength(1);
      expect(await keys(store, "snapshots/")).toHaveLength(1);
      expect(await keys(store, "locks/")).toEqual([]);
      await restore({ store, key, snapshot: "latest", target: join(dir, "target") });
      expect((await describeTree(join(dir, "target"))).entries).toEqual(history[2]?.entries);
    } finally {
      store.destroy();
    }
  });
});
