package rules

import "github.com/migrate-guard/migrate-guard/analysis"

// UnusedSuppression is reported by the engine for a suppression that
// silenced nothing.
var UnusedSuppression = register(&analysis.Rule{
	ID:       "unused-suppression",
	Severity: analysis.Warning,
	Summary:  "suppression comment that silenced nothing",
	Doc: "A suppression that matches no finding is stale: the statement changed, or the rule no longer " +
		"fires. Left in place it would silently hide a future finding of that rule on that statement.",
	Bad: `-- AlterTable
-- migrate-guard-ignore drop-column -- the column is unused
ALTER TABLE "Post" ADD COLUMN "summary" TEXT;`,
	Good: `-- AlterTable
ALTER TABLE "Post" ADD COLUMN "summary" TEXT;`,
})
