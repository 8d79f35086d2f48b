package rules

import "github.com/migrate-guard/migrate-guard/analysis"

// InvalidSuppression is reported by the engine for a
// `-- migrate-guard-ignore` comment that names no known rule.
var InvalidSuppression = register(&analysis.Rule{
	ID:       "invalid-suppression",
	Severity: analysis.Warning,
	Summary:  "suppression comment naming an unknown rule or malformed",
	Doc: "A `-- migrate-guard-ignore <rule-id>[, <rule-id>] -- <reason>` comment must name rules that " +
		"exist (see `migrate-guard rules`). A misspelt id silences nothing, so the finding it was meant " +
		"for is still there, or worse, a later one goes unnoticed.",
	Bad: `-- AlterTable
-- migrate-guard-ignore drop-colum -- contract step, the app stopped reading "content" in v42
ALTER TABLE "Post" DROP COLUMN "content";`,
	Good: `-- AlterTable
ALTER TABLE "Post" ADD COLUMN "summary" TEXT;`,
})
