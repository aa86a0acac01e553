import type { ApiError } from "../errors.js";
import { conflict } from "../errors.js";
import type { ObjectAddress } from "./store-types.js";

/** 409 for a write based on an older resourceVersion than the stored one. */
export const staleWrite = ({ def, name }: ObjectAddress): ApiError =>
  conflict(
    def.group,
    def.resource,
    name,
    "the object has been modified; please apply your changes to the latest version and try again",
  );

/** 409 for a uid precondition the stored object does not meet. */
export const uidMismatch = (
  { def, name }: ObjectAddress,
  given: string,
  stored: string | undefined,
): ApiError =>
  conflict(
    def.group,
    def.resource,
    name,
    `Precondition failed: UID in precondition: ${given}, UID in object meta: ${stored ?? ""}`,
  );
