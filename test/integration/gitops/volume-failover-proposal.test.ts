/**
 * The controller turns the volume driver's failover proposal into a remediation branch: a
 * VolumeReplication whose source stays unreachable for more than three RPO intervals gets
 * `ferry/remediate/volumereplication-<ns>-<name>` with the roles swapped (pushed once, not
 * again on later reconciles), recorded in its report on ferry/status. No cluster runs: both
 * are unreachable, which is what the driver sees of a lost data centre.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/core/logger.js";
import { reconcileOnce } from "../../../src/controller/controller.js";
import type { VolumeReplicationStatus } from "../../../src/volumes/types.js";
import { runGit } from "../../helpers/git-http-server.js";
import { ManualClock } from "../../helpers/manual-clock.js";

const FILE = "environments/prod/pg-dr.yaml";
const REPORT = "status/volumereplication/shop/pg-dr.yaml";
const BRANCH = "ferry/remediate/volumereplication-shop-pg-dr";
const CLUSTERS = `apiVersion: ferry.dev/v1alpha1\nkind: Fleet\nmetadata: {name: prod}\nspec: {clusters: [east-1, west-1]}\n---\n${[
  "east-1",
  "west-1",
]
  .map(
    (name) =>
      `apiVersion: ferry.dev/v1alpha1\nkind: Cluster\nmetadata: {name: ${name}}\nspec: {fleet: prod, connection: {local: {name: ${name}}}}\n`,
  )
  .join("---\n")}`;
const MANIFEST = `# the shop's database
apiVersion: ferry.dev/v1alpha1
kind: VolumeGroup
metadata: {name: pg, namespace: shop}
spec: {pvcs: [data-pg-0]}
---
apiVersion: ferry.dev/v1alpha1
kind: VolumeReplication
metadata: {name: pg-dr, namespace: shop}
spec:
  source: {cluster: east-1, volumeGroup: pg}
  target: {cluster: west-1, volumeGroup: pg}
  pvcMap: {data-pg-0: data-pg-0}
  schedule: "*/5 * * * *"
`;

describe("a failover proposal from the controller", () => {
  let dir: string;
  const clock = new ManualClock("2026-03-02T10:00:30Z");
  const reconcile = () =>
    reconcileOnce({
      repo: join(dir, "fleet"),
      branch: "main",
      cacheDir: join(dir, "cache"),
      env: {},
      clock,
      logger: silentLogger,
      baseDir: dir,
      localKubeconfig: join(dir, "no-local-clusters", "kubeconfig"),
    });
  const report = (): { status: VolumeReplicationStatus; remediation?: { branch: string; commit?: string } } =>
    parse(runGit(join(dir, "fleet"), ["show", `ferry/status:${REPORT}`])) as {
      status: VolumeReplicationStatus;
      remediation?: { branch: string };
    };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-failover-proposal-"));
    const fleet = join(dir, "fleet");
    await mkdir(join(fleet, "clusters"), { recursive: true });
    await mkdir(join(fleet, "environments", "prod"), { recursive: true });
    await writeFile(join(fleet, "clusters", "prod.yaml"), CLUSTERS);
    await writeFile(join(fleet, FILE), MANIFEST);
    runGit(fleet, ["init", "-q", "-b", "main"]);
    runGit(fleet, ["add", "."]);
    runGit(fleet, ["commit", "-q", "-m", "fleet"]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("records the unreachable source, then proposes the swap once after three RPO intervals", async () => {
    const summary = await reconcile();
    expect(summary.outcomes, JSON.stringify(summary)).toContainEqual(
      expect.objectContaining({ path: REPORT, phase: "Failed" }),
    );
    const first = report();
    expect(first.status.phase).toBe("Failed");
    expect(first.status.sourceUnreachableSince).toBe("2026-03-02T10:00:30.000Z");
    expect(first.status.failoverProposal).toBeUndefined();
    expect(first.remediation).toBeUndefined();

    clock.advance(16 * 60_000);
    await reconcile();
    const second = report();
    expect(second.status.failoverProposal).toMatchObject({ source: "west-1", target: "east-1" });
    expect(second.remediation?.branch).toBe(BRANCH);
    const proposed = runGit(join(dir, "fleet"), ["show", `${BRANCH}:${FILE}`]);
    expect(proposed).toContain("# the shop's database");
    expect(proposed).toMatch(/source: \{ ?cluster: west-1/);
    const tip = runGit(join(dir, "fleet"), ["rev-parse", BRANCH]);
    expect(runGit(join(dir, "fleet"), ["log", "-1", "--format=%s", BRANCH])).toBe(
      "Fail over shop/pg-dr to west-1",
    );

    clock.advance(5 * 60_000);
    await reconcile();
    expect(report().remediation?.branch).toBe(BRANCH);
    expect(runGit(join(dir, "fleet"), ["rev-parse", BRANCH])).toBe(tip);
  });
});
