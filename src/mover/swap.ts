import { randomBytes } from "node:crypto";
import { readdir, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * A restore in swap mode builds the new copy in a sibling staging directory and only then
 * puts it in place: `target` → `target.ferry-old-*`, staging → `target`, old copy removed.
 * Until the first rename the previous copy is untouched; if the process dies between the
 * two renames, `recoverSwap` (run before every restore) moves the old copy back.
 */
export function stagingPath(target: string): string {
  return `${target}.ferry-staging-${randomBytes(6).toString("hex")}`;
}

/** Puts a complete staging copy in place of `target`. */
export async function swapInto(staging: string, target: string): Promise<void> {
  const old = `${target}.ferry-old-${randomBytes(6).toString("hex")}`;
  const hadTarget = await exists(target);
  if (hadTarget) await rename(target, old);
  await rename(staging, target);
  if (hadTarget) await rm(old, { recursive: true, force: true });
}

/** Removes leftovers of interrupted restores of `target`, and restores an old copy left mid-swap. */
export async function recoverSwap(target: string): Promise<void> {
  const parent = dirname(target);
  const name = basename(target);
  let entries: string[];
  try {
    entries = await readdir(parent);
  } catch {
    return;
  }
  const olds = entries.filter((e) => e.startsWith(`${name}.ferry-old-`));
  const stagings = entries.filter((e) => e.startsWith(`${name}.ferry-staging-`));
  for (const s of stagings) await rm(join(parent, s), { recursive: true, force: true });
  if (olds.length > 0 && !(await exists(target))) {
    const [keep, ...rest] = olds;
    await rename(join(parent, keep!), target);
    for (const o of rest) await rm(join(parent, o), { recursive: true, force: true });
  } else {
    for (const o of olds) await rm(join(parent, o), { recursive: true, force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
