import { FerryError } from "../core/errors.js";

/**
 * The snapshot manifest is a tree of content-addressed tree blobs, one per directory (as in
 * restic): a directory's blob lists its entries sorted by name, and a sub-directory entry
 * names its own tree blob. Backup and restore hold one directory's entries (plus those of
 * its ancestors) at a time, so memory does not grow with the number of files; an unchanged
 * directory produces the same blob and is stored once.
 */
interface NodeBase {
  readonly name: string;
  /** Permission bits (including setuid/setgid/sticky), `st_mode & 0o7777`. */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /**
   * Nanoseconds since the epoch, as a decimal string (beyond a double's precision). Access
   * times are not kept: reading a file changes them, and every tree would differ each run.
   */
  readonly mtime: string;
}

/**
 * File content: chunk ids (hex SHA-256 of the plaintext) in order, and numbers for runs of
 * zeros (holes) that were not stored.
 */
export type ContentItem = string | number;

export interface FileNode extends NodeBase {
  readonly type: "file";
  readonly size: number;
  /** Inode number and change time, compared (with size and mtime) to skip unchanged files. */
  readonly inode: string;
  readonly ctime: string;
  readonly content: readonly ContentItem[];
}

export interface DirNode extends NodeBase {
  readonly type: "dir";
  readonly subtree: string;
}

export interface SymlinkNode extends NodeBase {
  readonly type: "symlink";
  readonly target: string;
}

/** A further name of a file already in the snapshot: restored as a hard link to it. */
export interface HardlinkNode extends NodeBase {
  readonly type: "hardlink";
  /** Snapshot-relative `/`-separated path of the first name of the inode. */
  readonly link: string;
}

export type TreeNode = FileNode | DirNode | SymlinkNode | HardlinkNode;

export interface Tree {
  readonly nodes: readonly TreeNode[];
}

/** Serialises a tree blob (deterministically: nodes in name order, fixed key order). */
export function encodeTree(tree: Tree): Uint8Array {
  return Buffer.from(JSON.stringify(tree));
}

/** Parses a tree blob; its id was verified by the caller. */
export function decodeTree(bytes: Uint8Array, id: string): Tree {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"));
  } catch {
    value = undefined;
  }
  if (typeof value !== "object" || value === null || !Array.isArray((value as Tree).nodes)) {
    throw new FerryError("Integrity", `tree blob ${id} is not a directory tree`, { data: { tree: id } });
  }
  return value as Tree;
}
