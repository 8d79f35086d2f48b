package rules

import (
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
)

// RequireConcurrentDetachPartition flags DETACH PARTITION without
// CONCURRENTLY where the target PostgreSQL offers it (14 and later).
var RequireConcurrentDetachPartition = register(&analysis.Rule{
	ID:       "require-concurrent-detach-partition",
	Severity: analysis.Warning,
	Summary:  "DETACH PARTITION without CONCURRENTLY (PostgreSQL 14 and later)",
	Doc: "ALTER TABLE ... DETACH PARTITION takes an ACCESS EXCLUSIVE lock on the partitioned table and on the partition: " +
		"it must wait for every running query on the table to finish, and while it waits every new query on the whole " +
		"partitioned table, reads included, queues behind it. From PostgreSQL 14 on, DETACH PARTITION ... CONCURRENTLY " +
		"takes only a SHARE UPDATE EXCLUSIVE lock on the partitioned table, so reads and writes go on; it cannot run " +
		"inside a transaction (a migration of its own), nor when the table has a DEFAULT partition. Before PostgreSQL 14 " +
		"there is no concurrent form and the rule stays quiet.",
	Bad: `-- AlterTable
ALTER TABLE "Event" DETACH PARTITION "Event_2023";`,
	Good: `-- AlterTable
ALTER TABLE "Event" DETACH PARTITION "Event_2023" CONCURRENTLY;`,
	Requires: []analysis.Result{alterCmdsResult, locksResult, heldPrefixResult},
	Run:      runRequireConcurrentDetachPartition,
})

func runRequireConcurrentDetachPartition(p *analysis.Pass) {
	if p.PGVersion < 14 {
		return
	}
	for _, c := range alterCmds(p) {
		pc := c.Cmd.Def.GetPartitionCmd()
		if c.Cmd.Subtype != pg.AlterTableType_AT_DetachPartition || pc == nil || pc.Concurrent || !existing(p, c.Table) {
			continue
		}
		part := catalog.RangeName(pc.Name)
		p.ReportAt(c.Span, analysis.Report{
			Message: fmt.Sprintf("DETACH PARTITION %s runs under %s; while it waits for running queries on %s to finish, every new "+
				"query on it queues behind it", part, underLocks(p, c.Table, part), c.Table),
			Help: "Detach with DETACH PARTITION ... CONCURRENTLY, which takes a SHARE UPDATE EXCLUSIVE lock on the partitioned " +
				"table, so reads and writes go on (it is refused when the table has a DEFAULT partition). " + ownMigration +
				"If it is interrupted, complete it with ALTER TABLE ... DETACH PARTITION ... FINALIZE. " + prismaEdit,
			Fix: fmt.Sprintf("-- Alone in its own migration (CONCURRENTLY cannot run inside a transaction):\n"+
				"ALTER TABLE %s DETACH PARTITION %s CONCURRENTLY;", c.Table, part),
		})
	}
}
