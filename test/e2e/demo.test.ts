/**
 * `ferry demo` (npm start) in-process: local clusters, a local Git repo of the example
 * desired state, the sample app, the controller until the example Migration completes, then
 * the clusters stopped with their state kept.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/core/clock.js";
import { silentLogger } from "../../src/core/logger.js";
import { runDemo } from "../../src/demo/run-demo.js";
import { SAMPLE_FILES } from "../../src/demo/sample-app.js";
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
