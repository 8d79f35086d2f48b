package rules

import "github.com/migrate-guard/migrate-guard/analysis"

// MigrationLock is reported by the engine when a Prisma migrations directory
// has no migration_lock.toml or names another provider.
var MigrationLock = register(&analysis.Rule{
	ID:       "migration-lock",
	Severity: analysis.Warning,
	Summary:  "migration_lock.toml missing or not for postgresql",
	Doc: "Prisma writes migration_lock.toml beside the migrations with `provider = \"postgresql\"`. " +
		"A different provider means the SQL was generated for another database and will not run on " +
		"PostgreSQL; a missing file means the directory was not made by `prisma migrate dev`, and Prisma " +
		"will refuse or regenerate it.",
})
