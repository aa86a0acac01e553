import { execFile } from "node:child_process";
import * as fs from "node:fs";
import { mkdir, rm, symlink, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isFerryError } from "../../../src/core/errors.js";
import { createManifestValidator, gitTree, loadDesiredState } from "../../../src/manifests/index.js";
import { copyExampleRepo } from "../../helpers/example-repo.js";

const run = promisify(execFile);
const git = async (dir: string, ...args: string[]): Promise<string> =>
  (
    await run(
      "git",
      [
        "-c",
        "user.name=Ferry Test",
        "-c",
        "user.email=test@ferry.dev",
        "-c",
        "commit.gpgsign=false",
        ...args,
      ],
      {
        cwd: dir,
      },
    )
  ).stdout.trim();

describe("gitTree: loading a commit's tree with isomorphic-git, without a checkout", () => {
  let dir: string;
  let first: string;
  let second: string;
  const validator = createManifestValidator();

  beforeAll(async () => {
    dir = await copyExampleRepo();
    await writeFile(join(dir, "README.md"), "# desired state\n");
    await git(dir, "init", "-q", "-b", "main");
    await git(dir, "add", "-A");
    await git(dir, "commit", "-q", "-m", "example");
    await git(dir, "tag", "-a", "v1", "-m", "first");
    first = await git(dir, "rev-parse", "HEAD");
    // Second commit: a broken reference, a symlink that must not be followed, a nested env.
    await writeFile(
      join(dir, "environments/prod/broken.yaml"),
      "apiVersion: ferry.dev/v1alpha1\nkind: VolumeGroup\nmetadata: {name: g, namespace: shop}\nspec: {pvcs: [a]}\n---\n" +
        "apiVersion: ferry.dev/v1alpha1\nkind: VolumeReplication\nmetadata: {name: r, namespace: shop}\nspec:\n" +
        "  source: {cluster: east-1, volumeGroup: g}\n  target: {cluster: west-7, volumeGroup: g}\n  pvcMap: {a: a}\n  schedulePolicyName: hourly\n",
    );
    await symlink("/etc/hostname", join(dir, "environments/prod/link.yaml"));
    await mkdir(join(dir, "environments/dev/team-a"), { recursive: true });
    await writeFile(
      join(dir, "environments/dev/team-a/group.yml"),
      "apiVersion: ferry.dev/v1alpha1\nkind: VolumeGroup\nmetadata: {name: team-a, namespace: team-a}\nspec: {pvcs: [data-0]}\n",
    );
    await git(dir, "add", "-A");
    await git(dir, "commit", "-q", "-m", "break it");
    second = await git(dir, "rev-parse", "HEAD");
    // The working tree differs from both commits: gitTree must not read it.
    await unlink(join(dir, "clusters/prod.yaml"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ["a tag", "v1"],
    ["a full commit id", () => first],
    ["an abbreviated commit id", () => first.slice(0, 8)],
  ])("reads the first commit by %s", async (_name, ref) => {
    const result = await loadDesiredState(gitTree({ fs, dir, ref: typeof ref === "string" ? ref : ref() }), {
      validator,
    });
    expect(result.problems).toEqual([]);
    expect(result.state.objects).toHaveLength(20);
    expect(result.files).not.toContain("README.md");
  });

  it("reads the branch head with its problems, nested environment folders, and no symlinks", async () => {
    for (const ref of ["main", "HEAD", second]) {
      const result = await loadDesiredState(gitTree({ fs, dir, ref }), { validator });
      expect(result.files).toContain("environments/dev/team-a/group.yml");
      expect(result.files).not.toContain("environments/prod/link.yaml");
      expect(result.state.get("VolumeGroup", "team-a", "team-a")).toBeDefined();
      expect(result.problems).toEqual([
        expect.objectContaining({
          file: "environments/prod/broken.yaml",
          line: 11,
          path: "spec.target.cluster",
          code: "unresolved-reference",
        }),
      ]);
    }
  });

  it("reads a bare repository through gitdir", async () => {
    const bare = `${dir}-bare.git`;
    try {
      await run("git", ["clone", "-q", "--bare", dir, bare]);
      const result = await loadDesiredState(gitTree({ fs, gitdir: bare, ref: "v1" }), { validator });
      expect(result.valid).toBe(true);
    } finally {
      await rm(bare, { recursive: true, force: true });
    }
  });

  it("refuses an unknown revision with a NotFound error", async () => {
    const error: unknown = await loadDesiredState(gitTree({ fs, dir, ref: "no-such-branch" })).catch(
      (e: unknown) => e,
    );
    expect(isFerryError(error, "NotFound")).toBe(true);
  });
});
