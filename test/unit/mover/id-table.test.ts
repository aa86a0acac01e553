import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { IdTable } from "../../../src/mover/id-table.js";
import { BlobType } from "../../../src/mover/pack.js";
import { RepoIndex } from "../../../src/mover/repo-index.js";

const idOf = (n: number): string => createHash("sha256").update(String(n)).digest("hex");

describe("IdTable", () => {
  it("finds every id it was given, through growth and rehashing, and no other", () => {
    const table = new IdTable();
    const n = 5000; // several doublings of the initial 1024 slots
    for (let i = 0; i < n; i++) expect(table.add(idOf(i))).toBe(i);
    expect(table.count).toBe(n);
    for (let i = 0; i < n; i++) expect(table.find(idOf(i))).toBe(i);
    for (let i = n; i < 2 * n; i++) expect(table.find(idOf(i))).toBe(-1);
    expect(table.idAt(1234)).toBe(idOf(1234));
  });

  it("tells ids apart that share their first bytes (same bucket)", () => {
    const table = new IdTable();
    const a = `abcdef01${"0".repeat(56)}`;
    const b = `abcdef01${"0".repeat(55)}1`;
    table.add(a);
    expect(table.find(b)).toBe(-1);
    table.add(b);
    expect([table.find(a), table.find(b)]).toEqual([0, 1]);
  });

  it("finds nothing for strings that are not ids, and refuses to add them", () => {
    const table = new IdTable();
    const id = idOf(1);
    table.add(id);
    for (const bad of [id.toUpperCase(), id.slice(1), `${id}0`, `${id.slice(0, 63)}g`, ""]) {
      expect(table.find(bad)).toBe(-1);
      expect(() => table.add(bad)).toThrow(/not a blob id/);
    }
  });
});

describe("RepoIndex", () => {
  it("keeps a blob's first location when another pack holds a copy", () => {
    const index = new RepoIndex();
    const blob = {
      id: idOf(7),
      type: BlobType.Data,
      compression: 0,
      offset: 10,
      length: 20,
      rawLength: 16,
    } as const;
    index.addPack({ id: "p1", blobs: [blob] });
    index.addPack({
      id: "p2",
      blobs: [
        { ...blob, offset: 99 },
        { ...blob, id: idOf(8), type: BlobType.Tree },
      ],
    });
    expect(index.get(idOf(7))).toEqual({
      pack: "p1",
      type: 0,
      compression: 0,
      offset: 10,
      length: 20,
      rawLength: 16,
    });
    expect(index.get(idOf(8))).toMatchObject({ pack: "p2", type: BlobType.Tree, offset: 10 });
    expect(index.blobCount).toBe(2);
    expect(index.hasPack("p2") && !index.hasPack("p3")).toBe(true);
    expect(index.get(idOf(9))).toBeUndefined();
  });
});
