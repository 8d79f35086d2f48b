package rules

import "github.com/migrate-guard/migrate-guard/analysis"

// SyntaxError is reported by the engine for a statement PostgreSQL's grammar
// rejects.
var SyntaxError = register(&analysis.Rule{
	ID:       "syntax-error",
	Severity: analysis.Error,
	Summary:  "statement PostgreSQL cannot parse",
	Doc: "The statement does not parse with PostgreSQL's own grammar (" + "PostgreSQL 17, through pg_query" + "). " +
		"Deploying it fails with SQLSTATE 42601 and, with Prisma, leaves the migration recorded as failed, " +
		"blocking every later deploy until it is resolved by hand. Syntax that only PostgreSQL 18 accepts " +
		"(VIRTUAL generated columns, NOT ENFORCED) is reported here too. So is a schema.prisma that the release " +
		"checks read (`--base-schema`, `--base-ref`, `--schema`) and that does not parse, at its file and line: " +
		"release compatibility is then not checked against it.",
	Bad:  `ALTER TABLE "User" ADD COLUMN "email" TEXT NOT NUL;`,
	Good: `ALTER TABLE "User" ADD COLUMN "email" TEXT NOT NULL DEFAULT '';`,
})
