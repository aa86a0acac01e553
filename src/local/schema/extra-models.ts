import type { Attribute } from "./models.js";

/** A model the client library lacks (the snapshot CRDs ship as CRDs, not in client-node). */
export interface ExtraModel {
  description: string;
  attributes: Attribute[];
  required: string[];
}

const a = (baseName: string, type: string, format = ""): Attribute => ({
  name: baseName,
  baseName,
  type,
  format,
});
const meta = [a("apiVersion", "string"), a("kind", "string"), a("metadata", "V1ObjectMeta")];

/** The external-snapshotter v8 kinds, enough for explain, validation and patch keys. */
export const extraModels: Record<string, ExtraModel> = {
  VolumeSnapshot: {
    description:
      "VolumeSnapshot is a user's request for either creating a point-in-time snapshot of a persistent volume, or binding to a pre-existing snapshot.",
    attributes: [...meta, a("spec", "VolumeSnapshotSpec"), a("status", "VolumeSnapshotStatus")],
    required: ["spec"],
  },
  VolumeSnapshotSpec: {
    description: "spec defines the desired characteristics of a snapshot requested by a user.",
    attributes: [a("source", "VolumeSnapshotSource"), a("volumeSnapshotClassName", "string")],
    required: ["source"],
  },
  VolumeSnapshotSource: {
    description:
      "source specifies where a snapshot will be created from. Exactly one of its members must be set.",
    attributes: [a("persistentVolumeClaimName", "string"), a("volumeSnapshotContentName", "string")],
    required: [],
  },
  VolumeSnapshotStatus: {
    description: "status represents the current information of a snapshot.",
    attributes: [
      a("boundVolumeSnapshotContentName", "string"),
      a("creationTime", "Date", "date-time"),
      a("readyToUse", "boolean"),
      a("restoreSize", "IntOrString", "int-or-string"),
      a("error", "VolumeSnapshotError"),
      a("volumeGroupSnapshotName", "string"),
    ],
    required: [],
  },
  VolumeSnapshotError: {
    description: "error is the last observed error during snapshot creation, if any.",
    attributes: [a("message", "string"), a("time", "Date", "date-time")],
    required: [],
  },
  VolumeSnapshotContent: {
    description:
      'VolumeSnapshotContent represents the actual "on-disk" snapshot object in the underlying storage system.',
    attributes: [...meta, a("spec", "VolumeSnapshotContentSpec"), a("status", "VolumeSnapshotContentStatus")],
    required: ["spec"],
  },
  VolumeSnapshotContentSpec: {
    description:
      "spec defines properties of a VolumeSnapshotContent created by the underlying storage system.",
    attributes: [
      a("deletionPolicy", "string"),
      a("driver", "string"),
      a("source", "VolumeSnapshotContentSource"),
      a("sourceVolumeMode", "string"),
      a("volumeSnapshotClassName", "string"),
      a("volumeSnapshotRef", "V1ObjectReference"),
    ],
    required: ["deletionPolicy", "driver", "source", "volumeSnapshotRef"],
  },
  VolumeSnapshotContentSource: {
    description:
      "source specifies whether the snapshot is (or should be) dynamically provisioned or already exists.",
    attributes: [a("snapshotHandle", "string"), a("volumeHandle", "string")],
    required: [],
  },
  VolumeSnapshotContentStatus: {
    description: "status represents the current information of a snapshot.",
    attributes: [
      a("creationTime", "number", "int64"),
      a("readyToUse", "boolean"),
      a("restoreSize", "number", "int64"),
      a("snapshotHandle", "string"),
      a("error", "VolumeSnapshotError"),
      a("volumeGroupSnapshotHandle", "string"),
    ],
    required: [],
  },
  VolumeSnapshotClass: {
    description:
      "VolumeSnapshotClass specifies parameters that a underlying storage system uses when creating a volume snapshot.",
    attributes: [
      ...meta,
      a("deletionPolicy", "string"),
      a("driver", "string"),
      a("parameters", "{ [key: string]: string; }"),
    ],
    required: ["deletionPolicy", "driver"],
  },
};
