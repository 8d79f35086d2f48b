package rules

import (
	"fmt"

	"github.com/migrate-guard/migrate-guard/analysis"
)

// PreferJSONB flags json columns (opt-in).
var PreferJSONB = register(&analysis.Rule{
	ID:       "prefer-jsonb",
	Severity: analysis.Off,
	Summary:  "json column where jsonb is meant",
	Doc: "A json value is stored as the text it was written as, and PostgreSQL parses it again each time a query " +
		"reads into it. json has no equality operator, so a json column cannot be compared with =, nor used in " +
		"DISTINCT, GROUP BY, UNION or a unique index, and no GIN index can serve its containment queries. jsonb " +
		"is parsed once on write and supports all of that. Keep json only when the exact text matters (key order, " +
		"duplicate keys, white space). Prisma's Json type is jsonb unless the field says `@db.Json`.",
	Bad: `-- CreateTable
CREATE TABLE "Event" (
    "id" TEXT NOT NULL,
    "payload" JSON NOT NULL,

    CONSTRAINT "Event_pkey" PRIMARY KEY ("id")
);`,
	Good: `-- CreateTable
CREATE TABLE "Event" (
    "id" TEXT NOT NULL,
    "payload" JSONB NOT NULL,

    CONSTRAINT "Event_pkey" PRIMARY KEY ("id")
);`,
	Requires: []analysis.Result{alterCmdsResult},
	Run:      runPreferJSONB,
})

func runPreferJSONB(p *analysis.Pass) {
	cols := typedColumnsWhere(p, func(c typedColumn) bool { return c.Type.Name == "json" })
	if len(cols) == 0 {
		return
	}
	fix := retyped(p, cols, func(c typedColumn) string { return writtenType("JSONB", c, false) })
	for _, c := range cols {
		p.ReportAt(c.Span, analysis.Report{
			Message: fmt.Sprintf("column %s is json: PostgreSQL keeps the text as written and parses it again on every read, "+
				"and json has no equality operator (no =, DISTINCT, GROUP BY or unique index) and no GIN index", columnOf(c)),
			Help: "Use jsonb, which is parsed once on write, comparable and indexable; it drops white space, key order and " +
				"duplicate keys, which only matters if the exact text does. With Prisma: remove `@db.Json` from the field " +
				"(Json alone is jsonb) and run `prisma migrate dev`, or create the migration with `prisma migrate dev " +
				"--create-only`, change the type as below, and apply it with `prisma migrate dev`.",
			Fix: fix,
		})
	}
}
