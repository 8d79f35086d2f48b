package rules

import (
	"fmt"
	"slices"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/locks"
)

// TruncateTable flags TRUNCATE of a table that may hold rows.
var TruncateTable = register(&analysis.Rule{
	ID:       "truncate-table",
	Severity: analysis.Error,
	Summary:  "TRUNCATE of an existing table",
	Doc: "TRUNCATE deletes every row of the table for good (only a backup brings them back) and takes an ACCESS " +
		"EXCLUSIVE lock that lasts until the migration commits: every read and write of the table waits, and while " +
		"the lock waits behind a long query every later query queues behind it. With CASCADE it also empties, " +
		"silently, every table that references it through a foreign key, and the tables referencing those. Without " +
		"CASCADE it fails (SQLSTATE 0A000) when another table references it. Tables created in the same migration are " +
		"not reported.",
	Bad: `-- Clear the posts
TRUNCATE TABLE "Post";`,
	Good: `-- Data migration, repeated until it deletes no row: each batch is its own short transaction.
DELETE FROM "Post" WHERE ctid IN (SELECT ctid FROM "Post" WHERE "published" = false LIMIT 10000);`,
	Run: runTruncateTable,
})

func runTruncateTable(p *analysis.Pass) {
	s := p.Stmt.Node.GetTruncateStmt()
	if s == nil {
		return
	}
	var listed, old []catalog.Name
	for _, r := range s.Relations {
		t := catalog.RangeName(r.GetRangeVar())
		listed = append(listed, t)
		if existing(p, t) {
			old = append(old, t)
		}
	}
	if len(old) == 0 {
		return
	}
	names := joinNames(old)
	msg := fmt.Sprintf("TRUNCATE deletes every row of %s for good and holds an ACCESS EXCLUSIVE lock until the migration "+
		"commits, which %s", names, locks.AccessExclusive.Blocks().On(names))
	refs := referencingOutside(p.Schema, listed, s.Behavior == pg.DropBehavior_DROP_CASCADE)
	switch {
	case len(refs) > 0 && s.Behavior == pg.DropBehavior_DROP_CASCADE:
		msg += fmt.Sprintf("; CASCADE also empties %s, which reference it through foreign keys", joinNames(refs))
	case len(refs) > 0:
		msg += fmt.Sprintf("; it fails with 0A000 (cannot truncate a table referenced in a foreign key constraint): %s "+
			"references it", joinNames(refs))
	}
	p.ReportStmt(analysis.Report{
		Message: msg,
		Help: "If the rows must go, delete them after this migration in batches that each commit (below), so no lock blocks the " +
			"table; if the table only holds disposable data (a cache), suppress this finding with the reason: " +
			"`-- migrate-guard-ignore truncate-table -- <reason>`. " + prismaBatches,
		Fix: truncateFix(append(old, refs...)),
	})
}

// referencingOutside returns the tables, not among listed, whose foreign
// keys reference a listed table; with cascade, also those referencing them,
// as TRUNCATE ... CASCADE follows them.
func referencingOutside(s *catalog.Catalog, listed []catalog.Name, cascade bool) []catalog.Name {
	var out []catalog.Name
	queue := append([]catalog.Name(nil), listed...)
	for len(queue) > 0 {
		t := queue[0]
		queue = queue[1:]
		for _, fk := range referencingFKs(s, t) {
			if slices.Contains(listed, fk.Table) || slices.Contains(out, fk.Table) {
				continue
			}
			out = append(out, fk.Table)
			if cascade {
				queue = append(queue, fk.Table)
			}
		}
	}
	return out
}

func truncateFix(tables []catalog.Name) string {
	var b strings.Builder
	b.WriteString(strings.TrimSuffix(batchRepeat, "\n"))
	b.WriteString("\n-- (tables that reference others first)")
	for i := len(tables) - 1; i >= 0; i-- {
		fmt.Fprintf(&b, "\nDELETE FROM %[1]s WHERE ctid IN (SELECT ctid FROM %[1]s LIMIT %[2]d);", tables[i], batchRows)
	}
	return b.String()
}
