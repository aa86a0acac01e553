import { describe, expect, it } from "vitest";
import type { StoredResource } from "../../../src/repository/backup-manifest.js";
import { groupKindOf, groupResources } from "../../../src/repository/backup-groups.js";
import { configMaps, shopResources } from "./fixtures.js";

describe("groupResources", () => {
  it.each([
    ["v1", "ConfigMap", "ConfigMap"],
    ["apps/v1", "Deployment", "Deployment.apps"],
    ["shop.example.com/v1beta1", "Cart", "Cart.shop.example.com"],
  ])("groupKindOf(%s, %s) is %s", (apiVersion, kind, expected) => {
    expect(groupKindOf({ apiVersion, kind })).toBe(expected);
  });

  it.each<[string, StoredResource[], { maxCount?: number; maxBytes?: number }, number[]]>([
    ["one kind in one namespace", configMaps(5), {}, [5]],
    ["split by count", configMaps(25), { maxCount: 10 }, [10, 10, 5]],
    ["split by bytes", configMaps(6), { maxBytes: 350 }, [3, 3]],
    ["one oversized resource still forms a group", configMaps(2), { maxBytes: 10 }, [1, 1]],
    ["per namespace", [...configMaps(2, "a"), ...configMaps(3, "b")], {}, [2, 3]],
    ["per kind, cluster-scoped first", shopResources(), {}, [1, 1, 2, 1, 1, 1, 1]],
    ["nothing", [], {}, []],
  ])("groups %s", (_name, resources, limits, sizes) => {
    const groups = groupResources(resources, limits);
    expect(groups.map((g) => g.resources.length)).toEqual(sizes);
    for (const group of groups) {
      expect(JSON.parse(Buffer.from(group.json).toString())).toEqual(group.resources);
    }
  });

  it("is deterministic whatever the input order", () => {
    const resources = [...shopResources(), ...configMaps(20, "shop")];
    const a = groupResources(resources, { maxCount: 7 });
    const b = groupResources([...resources].reverse(), { maxCount: 7 });
    expect(b.map((g) => Buffer.from(g.json).toString())).toEqual(
      a.map((g) => Buffer.from(g.json).toString()),
    );
  });
});
