import type { ResourceRegistry } from "../resources/registry.js";
import { apiVersionOf } from "../resources/types.js";

/**
 * `/openapi/v2` as kubectl 1.27 and 1.28 read it: protobuf (gnostic's openapi_v2.Document),
 * holding only the PATCH operations of every kind with their GVK extension and the
 * `fieldValidation` query parameter. That is what those versions look for to validate on the
 * server; with no definitions they compute strategic merge patches from their compiled-in
 * types, as they do for kinds they do not find. Newer kubectl versions use `/openapi/v3`.
 */

/** A minimal protobuf writer: length-delimited fields and strings are all this needs. */
class Writer {
  private readonly parts: Buffer[] = [];

  private static varint(n: number): Buffer {
    const bytes: number[] = [];
    let v = n;
    while (v > 0x7f) {
      bytes.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    bytes.push(v);
    return Buffer.from(bytes);
  }

  bytes(field: number, value: Buffer): this {
    this.parts.push(Writer.varint((field << 3) | 2), Writer.varint(value.length), value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, Buffer.from(value, "utf8"));
  }

  message(field: number, build: (w: Writer) => void): this {
    const inner = new Writer();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}

// Field numbers of gnostic's openapiv2/OpenAPIv2.proto.
const DOCUMENT = { swagger: 1, info: 2, paths: 8 };
const INFO = { title: 1, version: 2 };
const PATHS = { path: 2 };
const NAMED = { name: 1, value: 2 };
const PATH_ITEM = { patch: 8 };
const OPERATION = { operationId: 5, consumes: 7, parameters: 8, vendorExtension: 13 };
const PARAMETERS_ITEM = { parameter: 1 };
const PARAMETER = { nonBody: 2 };
const NON_BODY = { query: 3 };
const QUERY = { in: 2, name: 4, type: 6 };
const ANY = { yaml: 2 };

const QUERY_PARAMETERS = ["dryRun", "fieldManager", "fieldValidation", "force"];
const PATCH_TYPES = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
];

/** The protobuf `/openapi/v2` document of the served resources. */
export function openApiV2Protobuf(registry: ResourceRegistry): Buffer {
  const doc = new Writer()
    .string(DOCUMENT.swagger, "2.0")
    .message(DOCUMENT.info, (w) => w.string(INFO.title, "Kubernetes").string(INFO.version, "v1.32.0"));
  doc.message(DOCUMENT.paths, (paths) => {
    for (const def of registry.all()) {
      const prefix = def.group === "" ? `/api/${def.version}` : `/apis/${def.group}/${def.version}`;
      const path = `${prefix}${def.namespaced ? "/namespaces/{namespace}" : ""}/${def.resource}/{name}`;
      const gvk = `group: "${def.group}"\nkind: ${def.kind}\nversion: ${def.version}\n`;
      paths.message(PATHS.path, (named) =>
        named.string(NAMED.name, path).message(NAMED.value, (item) =>
          item.message(PATH_ITEM.patch, (op) => {
            op.string(
              OPERATION.operationId,
              `patch${def.kind}${apiVersionOf(def.group, def.version).replace(/[^A-Za-z0-9]/g, "")}`,
            );
            for (const type of PATCH_TYPES) op.string(OPERATION.consumes, type);
            for (const name of QUERY_PARAMETERS) {
              op.message(OPERATION.parameters, (p) =>
                p.message(PARAMETERS_ITEM.parameter, (param) =>
                  param.message(PARAMETER.nonBody, (nb) =>
                    nb.message(NON_BODY.query, (q) =>
                      q
                        .string(QUERY.in, "query")
                        .string(QUERY.name, name)
                        .string(QUERY.type, name === "force" ? "boolean" : "string"),
                    ),
                  ),
                ),
              );
            }
            op.message(OPERATION.vendorExtension, (ext) =>
              ext
                .string(NAMED.name, "x-kubernetes-group-version-kind")
                .message(NAMED.value, (any) => any.string(ANY.yaml, gvk)),
            );
          }),
        ),
      );
    }
  });
  return doc.finish();
}
