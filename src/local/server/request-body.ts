import type { IncomingMessage } from "node:http";
import { parse as parseYaml } from "yaml";
import { ApiError, badRequest } from "../errors.js";
import { decodeProtobufObject } from "./protobuf.js";

const MAX_BODY = 8 * 1024 * 1024;

/** The request body as text (at most 8 MiB, else 413). */
export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readBodyBytes(req)).toString("utf8");
}

/** An object body: JSON or YAML, or protobuf for the kinds `kubectl create` sends that way. */
export async function readObject(req: IncomingMessage): Promise<unknown> {
  const bytes = await readBodyBytes(req);
  const type = req.headers["content-type"];
  if (type?.includes("protobuf") === true) return decodeProtobufObject(bytes);
  return parseBody(bytes.toString("utf8"), type);
}

function readBodyBytes(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new ApiError(413, "BadRequest", "the request body is too large"));
      else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** A JSON or YAML (by content type) body; undefined when blank, 400 when it does not parse. */
export function parseBody(text: string, contentType: string | undefined): unknown {
  if (text.trim() === "") return undefined;
  try {
    return contentType?.includes("yaml") === true ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw badRequest(
      `couldn't get version/kind; json parse error: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}
