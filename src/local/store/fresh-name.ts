import { ApiError, qualifiedResource } from "../errors.js";
import type { ResourceDef } from "../resources/types.js";
import { generateName } from "./names.js";

/** A name from `generateName` that is not `taken`, or 409 after a few tries, as the server does. */
export function freshName(def: ResourceDef, prefix: string, taken: (name: string) => boolean): string {
  for (let i = 0; i < 8; i++) {
    const name = generateName(prefix);
    if (!taken(name)) return name;
  }
  throw new ApiError(
    409,
    "AlreadyExists",
    `${qualifiedResource(def.group, def.resource)} could not generate a unique name from "${prefix}"`,
  );
}
