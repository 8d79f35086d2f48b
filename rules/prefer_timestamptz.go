package rules

import (
	"fmt"

	"github.com/migrate-guard/migrate-guard/analysis"
)

// PreferTimestamptz flags timestamp without time zone columns (opt-in:
// Prisma's DateTime is TIMESTAMP(3)).
var PreferTimestamptz = register(&analysis.Rule{
	ID:       "prefer-timestamptz",
	Severity: analysis.Off,
	Summary:  "timestamp without time zone column",
	Doc: "timestamp (without time zone) stores a wall-clock reading, not an instant. PostgreSQL takes values as " +
		"written and converts them through the session's TimeZone whenever they meet now(), a timestamptz or an " +
		"AT TIME ZONE: a client, a cron job or a BI tool running in another time zone reads and writes other " +
		"instants, and daylight-saving changes make some readings ambiguous. timestamptz stores the instant (as " +
		"UTC) and converts for each session. Prisma's DateTime is TIMESTAMP(3) and Prisma Client always writes " +
		"UTC, so the column is right for as long as every writer does the same; that is why this rule is opt-in.",
	Bad: `-- AlterTable
ALTER TABLE "Post" ADD COLUMN "publishedAt" TIMESTAMP(3);`,
	Good: `-- AlterTable
ALTER TABLE "Post" ADD COLUMN "publishedAt" TIMESTAMPTZ(3);`,
	Requires: []analysis.Result{alterCmdsResult},
	Run:      runPreferTimestamptz,
})

func runPreferTimestamptz(p *analysis.Pass) {
	cols := typedColumnsWhere(p, func(c typedColumn) bool { return c.Type.Name == "timestamp" })
	if len(cols) == 0 {
		return
	}
	fix := retyped(p, cols, func(c typedColumn) string { return writtenType("TIMESTAMPTZ", c, true) })
	for _, c := range cols {
		p.ReportAt(c.Span, analysis.Report{
			Message: fmt.Sprintf("column %s is timestamp without time zone: it stores a wall-clock reading, which PostgreSQL "+
				"converts through each session's TimeZone when it meets now() or a timestamptz, so writers and readers "+
				"in other time zones see other instants", columnOf(c)),
			Help: "Use timestamptz, which stores the instant and converts per session. With Prisma: add `@db.Timestamptz(3)` " +
				"to the DateTime field and run `prisma migrate dev`, or create the migration with `prisma migrate dev " +
				"--create-only`, change the type as below, and apply it with `prisma migrate dev`. Converting an existing " +
				"column later rewrites the table unless the session's TimeZone is UTC.",
			Fix: fix,
		})
	}
}
