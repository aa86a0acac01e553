import { ApiError } from "../errors.js";

/**
 * Kubernetes' protobuf request bodies, for the few kinds `kubectl create <kind>` sends that
 * way (kubectl's typed clients always send protobuf). The field numbers are those of
 * k8s.io/api/core/v1/generated.proto and apimachinery's meta/v1 and runtime packages.
 * Other kinds answer 415 and are created from YAML/JSON (`kubectl apply -f`).
 */
type FieldType =
  | "string"
  | "bytes"
  | "bool"
  | "int"
  | "time"
  | "stringMap"
  | "bytesMap"
  | { message: MessageSpec }
  | { repeated: "string" | { message: MessageSpec } };

type MessageSpec = Record<number, [string, FieldType]>;

const TIME: FieldType = "time";
const OWNER_REFERENCE: MessageSpec = {
  1: ["kind", "string"],
  3: ["name", "string"],
  4: ["uid", "string"],
  5: ["apiVersion", "string"],
  6: ["controller", "bool"],
  7: ["blockOwnerDeletion", "bool"],
};
const OBJECT_META: MessageSpec = {
  1: ["name", "string"],
  2: ["generateName", "string"],
  3: ["namespace", "string"],
  5: ["uid", "string"],
  6: ["resourceVersion", "string"],
  7: ["generation", "int"],
  8: ["creationTimestamp", TIME],
  11: ["labels", "stringMap"],
  12: ["annotations", "stringMap"],
  13: ["ownerReferences", { repeated: { message: OWNER_REFERENCE } }],
  14: ["finalizers", { repeated: "string" }],
};
const OBJECT_REFERENCE: MessageSpec = {
  1: ["kind", "string"],
  2: ["namespace", "string"],
  3: ["name", "string"],
  4: ["uid", "string"],
  5: ["apiVersion", "string"],
  6: ["resourceVersion", "string"],
  7: ["fieldPath", "string"],
};

const LABEL_SELECTOR: MessageSpec = { 1: ["matchLabels", "stringMap"] };
const CONTAINER: MessageSpec = {
  1: ["name", "string"],
  2: ["image", "string"],
  3: ["command", { repeated: "string" }],
  4: ["args", { repeated: "string" }],
  5: ["workingDir", "string"],
  6: [
    "ports",
    {
      repeated: {
        message: { 1: ["name", "string"], 3: ["containerPort", "int"], 4: ["protocol", "string"] },
      },
    },
  ],
  7: ["env", { repeated: { message: { 1: ["name", "string"], 2: ["value", "string"] } } }],
  8: ["resources", { message: {} }],
};
const POD_TEMPLATE: MessageSpec = {
  1: ["metadata", { message: OBJECT_META }],
  2: ["spec", { message: { 2: ["containers", { repeated: { message: CONTAINER } }] } }],
};

const KINDS: Record<string, MessageSpec> = {
  Deployment: {
    1: ["metadata", { message: OBJECT_META }],
    2: [
      "spec",
      {
        message: {
          1: ["replicas", "int"],
          2: ["selector", { message: LABEL_SELECTOR }],
          3: ["template", { message: POD_TEMPLATE }],
          4: ["strategy", { message: {} }],
        },
      },
    ],
  },
  Namespace: {
    1: ["metadata", { message: OBJECT_META }],
    2: ["spec", { message: { 1: ["finalizers", { repeated: "string" }] } }],
  },
  ConfigMap: {
    1: ["metadata", { message: OBJECT_META }],
    2: ["data", "stringMap"],
    3: ["binaryData", "bytesMap"],
    4: ["immutable", "bool"],
  },
  Secret: {
    1: ["metadata", { message: OBJECT_META }],
    2: ["data", "bytesMap"],
    3: ["type", "string"],
    4: ["stringData", "stringMap"],
    5: ["immutable", "bool"],
  },
  ServiceAccount: {
    1: ["metadata", { message: OBJECT_META }],
    2: ["secrets", { repeated: { message: OBJECT_REFERENCE } }],
    3: ["imagePullSecrets", { repeated: { message: { 1: ["name", "string"] } } }],
    4: ["automountServiceAccountToken", "bool"],
  },
};

/** The kinds whose protobuf bodies are understood. */
export const PROTOBUF_KINDS = Object.keys(KINDS);

interface Field {
  number: number;
  wire: number;
  value: bigint | Buffer;
}

function* fields(buf: Buffer): Generator<Field> {
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new Error("truncated varint");
      const byte = buf[pos++] ?? 0;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const wire = key & 7;
    const number = key >>> 3;
    if (wire === 0) yield { number, wire, value: varint() };
    else if (wire === 2) {
      const length = Number(varint());
      const value = buf.subarray(pos, pos + length);
      pos += length;
      yield { number, wire, value };
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

const asBuffer = (v: bigint | Buffer): Buffer => (Buffer.isBuffer(v) ? v : Buffer.alloc(0));

function mapEntry(buf: Buffer): [string, Buffer] {
  let key = "";
  let value: Buffer = Buffer.alloc(0);
  for (const f of fields(buf)) {
    if (f.number === 1) key = asBuffer(f.value).toString("utf8");
    if (f.number === 2) value = asBuffer(f.value);
  }
  return [key, value];
}

function decodeMessage(buf: Buffer, spec: MessageSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields(buf)) {
    const entry = spec[f.number];
    if (entry === undefined) continue;
    const [name, type] = entry;
    // proto2 writes empty optional values that Go's JSON form omits (omitempty); replicas is a
    // pointer, where 0 means something.
    if (type === "string") {
      const text = asBuffer(f.value).toString("utf8");
      if (text !== "") out[name] = text;
    } else if (type === "bytes") out[name] = asBuffer(f.value).toString("base64");
    else if (type === "bool") out[name] = f.value === 1n;
    else if (type === "int") {
      if (f.value !== 0n || name === "replicas") out[name] = Number(f.value);
    } else if (type === "time") {
      const seconds = [...fields(asBuffer(f.value))].find((x) => x.number === 1)?.value;
      if (typeof seconds === "bigint")
        out[name] = `${new Date(Number(seconds) * 1000).toISOString().slice(0, 19)}Z`;
    } else if (type === "stringMap" || type === "bytesMap") {
      const [key, value] = mapEntry(asBuffer(f.value));
      const map = (out[name] ??= {}) as Record<string, string>;
      map[key] = type === "stringMap" ? value.toString("utf8") : value.toString("base64");
    } else if ("message" in type) out[name] = decodeMessage(asBuffer(f.value), type.message);
    else {
      const list = (out[name] ??= []) as unknown[];
      list.push(
        type.repeated === "string"
          ? asBuffer(f.value).toString("utf8")
          : decodeMessage(asBuffer(f.value), type.repeated.message),
      );
    }
  }
  return out;
}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Decodes a `application/vnd.kubernetes.protobuf` body into the object's JSON form. */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> {
  if (!body.subarray(0, 4).equals(MAGIC))
    throw new ApiError(
      400,
      "BadRequest",
      "the protobuf body does not start with the Kubernetes magic number",
    );
  let apiVersion = "";
  let kind = "";
  let raw: Buffer = Buffer.alloc(0);
  try {
    for (const f of fields(body.subarray(4))) {
      if (f.number === 1) {
        for (const t of fields(asBuffer(f.value))) {
          if (t.number === 1) apiVersion = asBuffer(t.value).toString("utf8");
          if (t.number === 2) kind = asBuffer(t.value).toString("utf8");
        }
      }
      if (f.number === 2) raw = asBuffer(f.value);
    }
    const spec = KINDS[kind];
    if (spec === undefined) {
      throw new ApiError(
        415,
        "UnsupportedMediaType",
        `the local cluster reads protobuf bodies only for ${PROTOBUF_KINDS.join(", ")}; create a ${kind || "resource"} from YAML instead (kubectl apply -f, or kubectl create ... --dry-run=client -o yaml | kubectl apply -f -)`,
      );
    }
    return { apiVersion, kind, ...decodeMessage(raw, spec) };
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError(
      400,
      "BadRequest",
      `cannot decode the protobuf body: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}
