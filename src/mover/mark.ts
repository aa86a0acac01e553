import { FerryError } from "../core/errors.js";
import type { MoverRepository } from "./repository.js";
import { decodeTree } from "./tree.js";

/**
 * Every blob the given snapshots reach: their tree blobs and the chunks their files name.
 * Trees shared between snapshots (unchanged directories) are read once. A blob the index
 * does not know is an Integrity error: pruning a repository that already misses data would
 * only hide the damage.
 */
export async function markUsedBlobs(
  repo: MoverRepository,
  snapshots: readonly { readonly id: string; readonly tree: string }[],
  signal?: AbortSignal,
): Promise<Set<string>> {
  const used = new Set<string>();
  const need = (id: string, what: string): void => {
    if (!repo.index.has(id)) {
      throw new FerryError("Integrity", `${what}: blob ${id} is in no index file; nothing was pruned`, {
        data: { blob: id },
      });
    }
    used.add(id);
  };
  for (const snapshot of snapshots) {
    if (used.has(snapshot.tree)) continue;
    need(snapshot.tree, `snapshot ${snapshot.id}`);
    const stack = [snapshot.tree];
    while (stack.length > 0) {
      if (signal?.aborted === true) throw new FerryError("Aborted", "the prune was aborted");
      const id = stack.pop() ?? "";
      const what = `snapshot ${snapshot.id.slice(0, 12)}, tree ${id.slice(0, 12)}`;
      for (const node of decodeTree(await repo.readBlob(id, what), id).nodes) {
        if (node.type === "file") {
          for (const item of node.content) if (typeof item === "string") need(item, `${what}, ${node.name}`);
        } else if (node.type === "dir" && !used.has(node.subtree)) {
          need(node.subtree, `${what}, ${node.name}/`);
          stack.push(node.subtree);
        }
      }
    }
  }
  return used;
}
