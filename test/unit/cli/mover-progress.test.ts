import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { moverProgress } from "../../../src/cli/commands/mover-progress.js";

function stream(tty: boolean): NodeJS.WriteStream & { text(): string } {
  const s = new PassThrough() as unknown as NodeJS.WriteStream & { text(): string };
  let text = "";
  (s as unknown as PassThrough).on("data", (d: Buffer) => (text += d.toString()));
  Object.assign(s, {
    isTTY: tty,
    columns: 120,
    cursorTo: () => true,
    clearLine: () => true,
    text: () => text,
  });
  return s;
}

describe("moverProgress", () => {
  it("gives no sink when nobody watches, so the backup skips its totals scan", async () => {
    const view = await moverProgress(false, stream(false), stream(false));
    expect(view.sink).toBeUndefined();
  });

  it("prints progress as JSON lines with --json, whatever stderr is", async () => {
    const out = stream(false);
    const view = await moverProgress(true, out, stream(true));
    view.sink?.({ task: "backup", done: 3, bytesDone: 10 });
    expect(JSON.parse(out.text())).toEqual({
      type: "progress",
      task: "backup",
      done: 3,
      total: null,
      bytesDone: 10,
      bytesTotal: null,
    });
  });

  it("draws a bar on a terminal's stderr: bytes against the total once it is known", async () => {
    const out = stream(false);
    const err = stream(true);
    const view = await moverProgress(false, out, err);
    view.sink?.({ task: "backup", done: 1, bytesDone: 2 ** 20 });
    view.sink?.({ task: "backup", done: 5, total: 10, bytesDone: 2 ** 21, bytesTotal: 2 ** 22 });
    view.stop();
    expect(out.text()).toBe("");
    expect(err.text()).toContain("  ?% 1.0 MiB 1 files");
    expect(err.text()).toContain(" 50% 2.0 MiB/4.0 MiB 5/10 files");
  });
});
