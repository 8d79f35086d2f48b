package deploy

import (
	"context"
	"fmt"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/internal/sqltext"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// Progress of a migration run statement by statement is kept in the logs
// column of its history row, whose first line reads
//
//	migrate-guard progress: 3 of 5 statements completed
//
// It is written when the row is inserted and rewritten after every
// statement: in the same implicit transaction as a transactional statement,
// right after a statement that cannot run in a transaction. A failure adds
// its error below that line. applied_steps_count keeps Prisma's meaning (1
// once the migration finished) and logs is cleared then, as Prisma leaves
// it. Prisma shows such a row as failed (P3009) with these logs.
const progressPrefix = "migrate-guard progress: "

// progressLogs is the progress line for done of total statements.
func progressLogs(done, total int) string {
	return fmt.Sprintf("%s%d of %d statements completed", progressPrefix, done, total)
}

// parseProgress reads the progress line of logs.
func parseProgress(logs *string) (done, total int, ok bool) {
	if logs == nil || !strings.HasPrefix(*logs, progressPrefix) {
		return 0, 0, false
	}
	line, _, _ := strings.Cut(strings.TrimPrefix(*logs, progressPrefix), "\n")
	if n, err := fmt.Sscanf(line, "%d of %d statements completed", &done, &total); n != 2 || err != nil || done > total {
		return 0, 0, false
	}
	return done, total, true
}

// resumePoint is a failed statement-by-statement run the next deploy
// continues: its history row and how many statements it completed.
type resumePoint struct {
	row         *Row
	done, total int
}

// check returns the resume point for m, read from disk, or refuses when the
// file is not the one the earlier run started.
func (p *resumePoint) check(m *migration) (*resumePoint, error) {
	switch {
	case !checksumMatches(p.row.Checksum, []byte(m.File.Src)):
		return nil, refusal(p.row, "its migration.sql changed since that run (the checksum differs), so which statements ran is unknown")
	case m.mode != modeStatements || len(m.File.Stmts) != p.total:
		return nil, refusal(p.row, fmt.Sprintf("its migration.sql no longer parses into the %d statements that run counted", p.total))
	}
	return p, nil
}

// resumable returns the resume point of a failed row, or nil when the row
// carries no progress.
func resumable(r *Row) *resumePoint {
	done, total, ok := parseProgress(r.Logs)
	if !ok {
		return nil
	}
	return &resumePoint{row: r, done: done, total: total}
}

// alreadyApplied reports whether a statement that cannot run in a
// transaction took effect although its completion was not recorded: a
// deploy killed or disconnected while it ran does not stop the server from
// finishing it. An index it left invalid is dropped, so that the statement
// can run again.
func (a *applier) alreadyApplied(ctx context.Context, m *migration, s *sqlfile.Stmt) (bool, error) {
	switch n := s.Node.Node.(type) {
	case *pg.Node_IndexStmt:
		if n.IndexStmt.Idxname == "" {
			return false, nil
		}
		name := sqltext.Ident(n.IndexStmt.Idxname)
		if r := n.IndexStmt.Relation; r.GetSchemaname() != "" {
			name = sqltext.Ident(r.Schemaname) + "." + name
		}
		var valid *bool
		err := a.conn.QueryRow(bg, `SELECT (SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass($1))`, name).Scan(&valid)
		if err != nil || valid == nil {
			return false, err
		}
		if *valid {
			return true, nil
		}
		a.opts.say("  dropping invalid index %s left by the interrupted build of %s, to build it again", name, m.Name)
		return false, a.dropIndex(ctx, name)
	case *pg.Node_DropStmt:
		if n.DropStmt.MissingOk || n.DropStmt.RemoveType != pg.ObjectType_OBJECT_INDEX {
			return false, nil
		}
		for _, o := range n.DropStmt.Objects {
			var gone bool
			if err := a.conn.QueryRow(bg, `SELECT to_regclass($1) IS NULL`, qualifiedName(o.GetList())).Scan(&gone); err != nil || !gone {
				return false, err
			}
		}
		return true, nil
	}
	return false, nil
}

// qualifiedName quotes a parsed dotted name.
func qualifiedName(l *pg.List) string {
	var parts []string
	for _, item := range l.GetItems() {
		parts = append(parts, sqltext.Ident(item.GetString_().GetSval()))
	}
	return strings.Join(parts, ".")
}
