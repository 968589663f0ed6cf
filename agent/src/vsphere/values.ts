import { z } from "zod";

/** A managed object reference. The value is opaque (vcsim's datastore ids are file paths). */
export interface MoRef {
  readonly type: string;
  readonly value: string;
}

export const MoRefSchema = z.object({ type: z.string().min(1), value: z.string().min(1) });

export const sameRef = (a: MoRef, b: MoRef): boolean => a.type === b.type && a.value === b.value;
export const refKey = (r: MoRef): string => `${r.type}:${r.value}`;

/**
 * Zero, one or many repeated elements as an array. The generic XML view cannot tell a single
 * element from a one-element array, and an empty `ArrayOfX` arrives as `""` or `{ $type }`.
 */
export const many = <TItem extends z.ZodType>(item: TItem) =>
  z.preprocess((v) => {
    if (v === undefined || v === "" || v === null) return [];
    if (Array.isArray(v)) return v;
    return [v];
  }, z.array(item));

/** The items of an `ArrayOfX` property value: `{ $type: "ArrayOfX", X: [...] }`. */
export const arrayOf = <TItem extends z.ZodType>(key: string, item: TItem) =>
  z.preprocess((v) => {
    if (typeof v === "object" && v !== null && !Array.isArray(v)) {
      return (v as Record<string, unknown>)[key];
    }
    return undefined;
  }, many(item));

export const xsdInt = z.coerce.number().int();
export const xsdNumber = z.coerce.number();
export const xsdBool = z.preprocess((v) => v === "true" || v === true, z.boolean());
