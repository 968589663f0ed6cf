import seedSql from "../../local/seed.sql?raw";

/** Splits the seed file into statements: it has no `;` inside strings, so line-ending `;` suffices. */
const statements = seedSql
  .split(/;\s*$/m)
  .map((s) => s.replace(/^\s*--.*$/gm, "").trim())
  .filter(Boolean);

/** Applies edge/local/seed.sql, the same reference data the local stack uses; safe to repeat. */
export async function seedReferenceData(db: D1Database): Promise<void> {
  await db.batch(statements.map((s) => db.prepare(s)));
}
