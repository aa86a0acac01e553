/**
 * `ferry demo` (npm start) in-process: local clusters, a local Git repo of the example
 * desired state, the sample app (east-1 and dev-1), the controller until the example Migration
 * completes and the example VolumeReplication has a consistent copy, every example object
 * ending well, then the clusters stopped with their state kept.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/core/clock.js";
import { silentLogger } from "../../src/core/logger.js";
import { runDemo } from "../../src/demo/run-demo.js";
import { PG_FILES, SAMPLE_FILES } from "../../src/demo/sample-app.js";
import { runGit } from "../helpers/git-http-server.js";

describe("the demo", () => {
  let parent: string | undefined;
  afterAll(async () => {
    if (parent !== undefined) await rm(parent, { recursive: true, force: true });
  });

  it("runs the example migration to completion and says where to look", async () => {
    parent = await mkdtemp(join(tmpdir(), "ferry-demo-"));
    const lines: string[] = [];
    const result = await runDemo({
      dir: join(parent, "demo"),
      clock: systemClock,
      logger: silentLogger,
      print: (line) => lines.push(line),
      timeoutMs: 50_000,
    });
    const out = lines.join("\n");
    expect(result.phase, out).toBe("Completed");
    expect(out).toContain("Migration shop-to-west: Completed");
    expect(out).toMatch(/restore on west-1: Completed \(created \d+/);
    expect(out).toMatch(/restore on west-2: Completed \(created \d+/);
    // includeVolumes: the claim's files are on the targets, moved by the volume mover.
    expect(out).not.toContain("NOT moved");
    expect(out).toMatch(/volume data: /);
    const listed = /ls -l (\S+)/.exec(out)?.[1];
    expect(listed, out).toBeDefined();
    for (const [name, text] of Object.entries(SAMPLE_FILES))
      expect(readFileSync(resolve(listed ?? "", name), "utf8")).toBe(text);
    // Every example object of clusters/, policies/, environments/ ends well.
    expect(result.outcomes.map((o) => `${o.kind} ${o.name}`)).toEqual([
      "Migration shop-snapshot",
      "Migration shop-to-west",
      "MigrationSchedule shop-dr",
      "MigrationSchedule shop-nightly",
      "VolumeReplication shop/pg-dev-copy",
      "VolumeReplication shop/pg-dr",
    ]);
    for (const o of result.outcomes)
      expect(o.good, `${o.kind} ${o.name}: ${o.phase} — ${o.detail}\n${out}`).toBe(true);
    const phases = Object.fromEntries(result.outcomes.map((o) => [o.name, o.phase]));
    expect(phases["shop-snapshot"]).toBe("Completed");
    expect(phases["shop-dr"]).toBe("last run Successful");
    expect(phases["shop/pg-dr"]).not.toMatch(/Blocked|Failed/);
    expect(out).not.toContain("BAD ");
    // pg-dr's copy: the database claims' files are on west-1.
    const copies = [...out.matchAll(/pg-dr's copy on west-1: (\S+) /g)].map((m) => m[1] ?? "");
    expect(copies, out).toHaveLength(2);
    const copied = Object.assign(
      {},
      ...copies.map((dir) =>
        Object.fromEntries(
          Object.keys({ ...PG_FILES["data-pg-0"], ...PG_FILES["wal-pg-0"] })
            .filter((name) => existsSync(resolve(dir, name)))
            .map((name) => [name, readFileSync(resolve(dir, name), "utf8")]),
        ),
      ),
    ) as Record<string, string>;
    expect(copied).toEqual({ ...PG_FILES["data-pg-0"], ...PG_FILES["wal-pg-0"] });
    expect(out).toContain("log --stat ferry/status");
    expect(out).toContain("--context west-1 get all,cm,secret,pvc -n shop");
    expect(out).toMatch(/node \S*bin\/ferry.js local up --dir /);
    expect(out).toContain("Local clusters stopped");
    // The status branch is a real Git branch the printed commands can read.
    expect(runGit(result.repo, ["show", "ferry/status:status/migration/shop-to-west.yaml"])).toContain(
      "phase: Completed",
    );
    expect(result.statusCommits).toBeGreaterThanOrEqual(1);
    // Clusters stopped, state kept for `ferry local up --dir`.
    expect(existsSync(join(result.dir, "clusters", "kubeconfig"))).toBe(true);
    expect(existsSync(join(result.dir, "clusters", "ports.json"))).toBe(true);
  }, 90_000);
});
