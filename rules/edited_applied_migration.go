package rules

import "github.com/migrate-guard/migrate-guard/analysis"

// EditedAppliedMigration is reported by the GitHub Action when a pull
// request modifies, deletes or renames a migration that exists on the base
// branch.
var EditedAppliedMigration = register(&analysis.Rule{
	ID:       "edited-applied-migration",
	Severity: analysis.Error,
	Summary:  "pull request edits, deletes or renames a migration that exists on the base branch",
	Doc: "A migration on the base branch has probably been applied to staging and production already. " +
		"Databases record each applied migration with the SHA-256 checksum of its migration.sql, and never run " +
		"it again: an edit never reaches them, so the databases that applied the old text and the ones created " +
		"from the new text end up with different schemas. `prisma migrate deploy` and `prisma migrate status` " +
		"skip the mismatch silently, `prisma migrate dev` reports \"The migration was modified after it was " +
		"applied\" and offers to reset the development database, and `migrate-guard deploy` warns about it. " +
		"Deleting a migration leaves its changes in every database but out of new ones; renaming its folder " +
		"makes deploy run it a second time, which fails on the objects it already created. " +
		"Put the migration back as it is on the base branch and make the change in a new migration. When the " +
		"migration was never applied anywhere (the base branch is not deployed), allow the edit with " +
		"`edited-applied-migration = \"off\"` under `[rules]` in migrate-guard.toml.",
})
