import { createReadStream, existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { KubeObject } from "../api.js";

/** What serving a pod's log needs. */
export interface LogRequest {
  file: string;
  follow: boolean;
  tailLines: number | undefined;
  /** The pod now, to stop following once it has finished or is gone. */
  pod: () => KubeObject | undefined;
  pollMs?: number;
}

const finished = (pod: KubeObject | undefined): boolean => {
  const phase = (pod?.["status"] as { phase?: string } | undefined)?.phase;
  return pod === undefined || phase === "Succeeded" || phase === "Failed";
};

/** Serves `pods/<name>/log`: the file the runner writes, its tail, and `follow` by polling. */
export async function serveLog(
  req: IncomingMessage,
  res: ServerResponse,
  options: LogRequest,
): Promise<void> {
  res.writeHead(200, { "Content-Type": "text/plain", "Transfer-Encoding": "chunked" });
  let offset = 0;
  if (existsSync(options.file)) {
    const text = await readFile(options.file, "utf8");
    let shown = text;
    if (options.tailLines !== undefined) {
      const lines = text.split("\n");
      if (lines[lines.length - 1] === "") lines.pop();
      shown =
        lines.slice(Math.max(0, lines.length - options.tailLines)).join("\n") +
        (lines.length > 0 ? "\n" : "");
    }
    res.write(shown);
    offset = Buffer.byteLength(text);
  }
  if (!options.follow) {
    res.end();
    return;
  }
  let closed = false;
  req.on("close", () => {
    closed = true;
  });
  const poll = options.pollMs ?? 200;
  while (!closed) {
    await new Promise((r) => setTimeout(r, poll));
    const size = existsSync(options.file) ? statSync(options.file).size : 0;
    if (size > offset) {
      await new Promise<void>((resolve) => {
        const stream = createReadStream(options.file, { start: offset, end: size - 1 });
        stream.on("data", (chunk) => res.write(chunk));
        stream.on("end", () => resolve());
        stream.on("error", () => resolve());
      });
      offset = size;
    } else if (finished(options.pod())) break;
  }
  res.end();
}
