package rules

import "github.com/migrate-guard/migrate-guard/analysis"

// OutOfOrderMigration is reported by the GitHub Action when a pull request
// adds a migration whose folder sorts before the newest migration already on
// the base branch.
var OutOfOrderMigration = register(&analysis.Rule{
	ID:       "out-of-order-migration",
	Severity: analysis.Warning,
	Summary:  "new migration that sorts before the newest migration on the base branch",
	Doc: "Migrations run in the order of their folder names. A branch that created its migration before " +
		"another branch's migration was merged ends up with an older timestamp: databases that already " +
		"applied the newer migration apply this one after it, while a fresh database (CI, a new developer, " +
		"`prisma migrate reset`) runs it before. The two orders can give different schemas, or fail on one of " +
		"them, and `prisma migrate dev` reports the history as drifted. Rename the folder so it sorts last — " +
		"merge the base branch, delete the new migration folder and run `prisma migrate dev` again, or give the " +
		"folder a current `YYYYMMDDHHMMSS_` prefix — before merging.",
})
