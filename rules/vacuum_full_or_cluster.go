package rules

import (
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
	"github.com/migrate-guard/migrate-guard/locks"
)

// VacuumFullOrCluster flags VACUUM FULL and CLUSTER, which rewrite tables
// under an ACCESS EXCLUSIVE lock.
var VacuumFullOrCluster = register(&analysis.Rule{
	ID:             "vacuum-full-or-cluster",
	NamesHeldLocks: true,
	Severity:       analysis.Warning,
	Summary:        "VACUUM FULL or CLUSTER rewrites a table under an ACCESS EXCLUSIVE lock",
	Doc: "VACUUM FULL and CLUSTER write a new copy of the table and of all its indexes, holding an ACCESS EXCLUSIVE lock " +
		"for the whole time: every read and write of the table waits, minutes or hours on a large table, and the copy " +
		"needs as much free disk as the table. Without a table name they do this to every table of the database (CLUSTER: " +
		"every table clustered before). Table maintenance does not belong in a schema migration: pg_repack or the " +
		"pg_squeeze extension rebuild a table online, holding the ACCESS EXCLUSIVE lock only for a moment at the start " +
		"and the end.",
	Bad:      `VACUUM FULL "Post";`,
	Good:     `VACUUM (ANALYZE) "Post";`,
	Requires: []analysis.Result{locksResult, heldPrefixResult, enumSwapsResult},
	Run:      runVacuumFullOrCluster,
})

func runVacuumFullOrCluster(p *analysis.Pass) {
	var kind, note, everything string
	var tables []catalog.Name
	switch s := p.Stmt.Node.Node.(type) {
	case *pg.Node_VacuumStmt:
		if !s.VacuumStmt.IsVacuumcmd || !vacuumFull(s.VacuumStmt) {
			return
		}
		kind, everything = "VACUUM FULL", "every table of the database"
		for _, r := range s.VacuumStmt.Rels {
			tables = append(tables, catalog.RangeName(r.GetVacuumRelation().GetRelation()))
		}
	case *pg.Node_ClusterStmt:
		kind, everything = "CLUSTER", "every table clustered before"
		if s.ClusterStmt.Relation != nil {
			tables = append(tables, catalog.RangeName(s.ClusterStmt.Relation))
		}
		if s.ClusterStmt.Indexname != "" && s.ClusterStmt.Relation != nil {
			note = fmt.Sprintf("-- pg_repack orders the rows by the table's clustering index; set it first (a brief lock):\n"+
				"--   ALTER TABLE %s CLUSTER ON %s;\n", catalog.RangeName(s.ClusterStmt.Relation), sqltext.Ident(s.ClusterStmt.Indexname))
		}
	default:
		return
	}
	if len(tables) == 0 {
		p.ReportStmt(analysis.Report{
			Message: fmt.Sprintf("%s without a table rewrites %s in turn, each under an ACCESS EXCLUSIVE lock, which %s",
				kind, everything, locks.AccessExclusive.Blocks().On("that table")),
			Help: vacuumHelp,
			Fix:  repackFix(nil, note),
		})
		return
	}
	var existingTables []catalog.Name
	for _, t := range tables {
		if existing(p, t) {
			existingTables = append(existingTables, t)
		}
	}
	if len(existingTables) == 0 {
		return
	}
	var im *analysis.Impact
	if len(existingTables) == 1 {
		im = impactOn(p, existingTables[0], analysis.Rewrite)
	}
	p.ReportAt(p.StmtSpan(), analysis.Report{
		Message: fmt.Sprintf("%s writes a new copy of %s with all indexes, and until it finishes runs under %s", kind,
			joinNames(existingTables), underSlow(p, existingTables...)),
		Help:   vacuumHelp,
		Fix:    repackFix(existingTables, note),
		Impact: im,
	})
}

const vacuumHelp = "Take table maintenance out of the migration: run pg_repack (or pg_squeeze) against the database when " +
	"it is needed; it copies the table while reads and writes go on. Plain VACUUM, which autovacuum already runs, takes " +
	"no lock that blocks queries. With Prisma: delete the statement from migration.sql before applying it with " +
	"`prisma migrate dev`; once applied, a migration must not be edited, so add a new one instead."

// vacuumFull reports VACUUM FULL or VACUUM (FULL [true]).
func vacuumFull(s *pg.VacuumStmt) bool {
	for _, o := range s.Options {
		if d := o.GetDefElem(); d != nil && d.Defname == "full" && locks.OptionOn(d) {
			return true
		}
	}
	return false
}
