import { z } from "zod";

/** Ids that travel in API inputs: opaque, URL-safe, bounded. */
export const EntityId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_-]+$/, "must be an id of letters, digits, _ and -");

export const RequestId = EntityId;
export const ProjectId = EntityId;

/** A client-chosen key (e.g. a UUID) that makes `requests.create` safe to retry. */
export const IdempotencyKey = z
  .string()
  .min(8, "must be at least 8 characters")
  .max(100)
  .regex(/^[A-Za-z0-9_-]+$/, "may contain only letters, digits, _ and -");
