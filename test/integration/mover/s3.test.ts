import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backup } from "../../../src/mover/backup.js";
import { restore } from "../../../src/mover/restore.js";
import { deriveKey } from "../../../src/repository/crypto.js";
import { S3ObjectStore } from "../../../src/repository/s3-store.js";
import { S3RVER_CREDENTIALS, startS3rver, type RunningS3rver } from "../../helpers/s3rver.js";
import { describeTree, makeTree } from "./fixture.js";

describe("mover against S3 (s3rver)", () => {
  let s3: RunningS3rver;
  let dir: string;
  beforeAll(async () => {
    s3 = await startS3rver(["ferry"]);
    dir = await mkdtemp(join(tmpdir(), "ferry-mover-s3-"));
  });
  afterAll(async () => {
    await s3.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("backs up, backs up incrementally and restores byte-identically through the S3 backend", async () => {
    const store = new S3ObjectStore({
      bucket: "ferry",
      prefix: "east-1/pg",
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: S3RVER_CREDENTIALS,
    });
    try {
      const key = deriveKey("s3 secret");
      const src = join(dir, "src");
      await makeTree(src);
      const first = await backup({ store, key, source: src, packSize: 4 * 1024 * 1024 });
      await writeFile(join(src, "data", "new.txt"), "written after the first snapshot");
      const second = await backup({
        store,
        key,
        source: src,
        parent: first.snapshotId,
        packSize: 4 * 1024 * 1024,
      });
      expect(second.snapshot.stats).toMatchObject({ filesNew: 1, filesUnmodified: 27, chunksNew: 1 });
      await restore({ store, key, snapshot: second.snapshotId, target: join(dir, "target") });
      expect((await describeTree(join(dir, "target"))).entries).toEqual((await describeTree(src)).entries);
    } finally {
      store.destroy();
    }
  });
});
