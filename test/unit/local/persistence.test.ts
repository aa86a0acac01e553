import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { KubeObject } from "../../../src/local/api.js";
import { StateLog } from "../../../src/local/store/persistence.js";

const cm = (name: string, rv: number, value: string): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "ns", resourceVersion: String(rv) },
  data: { value },
});

describe("the state log", () => {
  const dirs: string[] = [];
  const dir = (): string => {
    const d = mkdtempSync(join(tmpdir(), "ferry-state-"));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("replays puts and removals, keeping the resourceVersion counter across a reopen", () => {
    const d = dir();
    const { log } = StateLog.open(d);
    log.put("/configmaps", "ns/a", JSON.stringify(cm("a", 1, "1")), 1);
    log.put("/configmaps", "ns/a", JSON.stringify(cm("a", 2, "2")), 2);
    log.put("/configmaps", "ns/b", JSON.stringify(cm("b", 3, "x")), 3);
    log.remove("/configmaps", "ns/b", 4);
    log.close();
    const { log: reopened, state } = StateLog.open(d);
    reopened.close();
    expect(state.resourceVersion).toBe(4);
    expect([...(state.buckets.get("/configmaps")?.values() ?? [])]).toEqual([cm("a", 2, "2")]);
    // Opening compacted the file: one record per object and one for the counter.
    expect(readFileSync(join(d, "objects.jsonl"), "utf8").trim().split("\n")).toHaveLength(2);
  });

  it("rewrites itself from the current state, dropping what is superseded", () => {
    const d = dir();
    const { log } = StateLog.open(d);
    for (let i = 1; i <= 50; i++) log.put("/configmaps", "ns/a", JSON.stringify(cm("a", i, String(i))), i);
    expect(log.records).toBe(51);
    log.rewrite({
      buckets: new Map([["/configmaps", new Map([["ns/a", cm("a", 50, "50")]])]]),
      resourceVersion: 50,
    });
    expect(log.records).toBe(2);
    log.put("/configmaps", "ns/c", JSON.stringify(cm("c", 51, "c")), 51);
    log.close();
    const { log: reopened, state } = StateLog.open(d);
    reopened.close();
    expect(state.resourceVersion).toBe(51);
    expect([...(state.buckets.get("/configmaps")?.keys() ?? [])].sort()).toEqual(["ns/a", "ns/c"]);
  });
});
