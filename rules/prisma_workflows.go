// The Prisma workflows that findings share: how to get a fix into a
// migration with Prisma's commands.

package rules

// prismaEdit is the Prisma workflow every fix shares: generate the migration
// without applying it, edit it, then apply.
const prismaEdit = "With Prisma: create the migration with `prisma migrate dev --create-only`, " +
	"replace the generated statement in migration.sql with the SQL below, then apply it with `prisma migrate dev`."

// ownMigration explains why a CONCURRENTLY statement needs a migration file
// to itself.
const ownMigration = "Put it alone in a migration of its own: Prisma before 7.4 runs a migration.sql holding several " +
	"statements as one transaction, and so does Prisma 7.4+ when the file holds a statement its SQL parser cannot read " +
	"(DROP INDEX CONCURRENTLY, a DO block); CONCURRENTLY fails there with SQLSTATE 25001 (one statement per file " +
	"works with every Prisma version and with `migrate-guard deploy`). "

// prismaMove is the Prisma workflow for moving a statement into a migration
// of its own.
const prismaMove = "With Prisma: create an empty migration with `prisma migrate dev --create-only`, move the statement " +
	"into its migration.sql, then apply it with `prisma migrate dev`."
