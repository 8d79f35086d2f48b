package execution

import (
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// HoldsNonTransactional reports whether any statement of f refuses a
// transaction block.
func HoldsNonTransactional(f *sqlfile.File, pgVersion int) bool {
	for _, s := range f.Stmts {
		if NonTransactional(s.Node, pgVersion) != "" {
			return true
		}
	}
	return false
}

// NonTransactional names a statement that PostgreSQL refuses to run inside a
// transaction block (SQLSTATE 25001), or returns "" for any other statement.
// pgVersion matters for ALTER TYPE ... ADD VALUE, allowed in a transaction
// since PostgreSQL 12.
func NonTransactional(n *pg.Node, pgVersion int) string {
	switch s := n.Node.(type) {
	case *pg.Node_IndexStmt:
		if s.IndexStmt.Concurrent {
			return "CREATE INDEX CONCURRENTLY"
		}
	case *pg.Node_DropStmt:
		if s.DropStmt.Concurrent {
			return "DROP INDEX CONCURRENTLY"
		}
	case *pg.Node_ReindexStmt:
		for _, p := range s.ReindexStmt.Params {
			if d := p.GetDefElem(); d != nil && d.Defname == "concurrently" {
				return "REINDEX CONCURRENTLY"
			}
		}
	case *pg.Node_VacuumStmt:
		if s.VacuumStmt.IsVacuumcmd {
			return "VACUUM"
		}
	case *pg.Node_AlterTableStmt:
		for _, c := range s.AlterTableStmt.Cmds {
			if cmd := c.GetAlterTableCmd(); cmd != nil && cmd.Subtype == pg.AlterTableType_AT_DetachPartition &&
				cmd.Def.GetPartitionCmd().GetConcurrent() {
				return "DETACH PARTITION CONCURRENTLY"
			}
		}
	case *pg.Node_CreatedbStmt:
		return "CREATE DATABASE"
	case *pg.Node_DropdbStmt:
		return "DROP DATABASE"
	case *pg.Node_AlterSystemStmt:
		return "ALTER SYSTEM"
	case *pg.Node_CreateTableSpaceStmt:
		return "CREATE TABLESPACE"
	case *pg.Node_DropTableSpaceStmt:
		return "DROP TABLESPACE"
	case *pg.Node_AlterEnumStmt:
		if s.AlterEnumStmt.OldVal == "" && pgVersion < 12 {
			return "ALTER TYPE ... ADD VALUE"
		}
	}
	return ""
}
