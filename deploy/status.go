package deploy

import (
	"context"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
)

// The states `status` reports.
const (
	StateApplied    = "applied"
	StatePending    = "pending"
	StateFailed     = "failed"
	StateRolledBack = "rolled back" // will be applied again by the next deploy
	StateModified   = "modified"    // applied, but the file changed since
	StateMissing    = "missing"     // applied, but no longer on disk
)

// MigrationStatus is one line of `status`.
type MigrationStatus struct {
	Name      string     `json:"name"`
	State     string     `json:"state"`
	Path      string     `json:"path,omitempty"`
	AppliedAt *time.Time `json:"applied_at,omitempty"`
	Logs      string     `json:"logs,omitempty"`
	// Progress says how far a failed statement-by-statement run got, which
	// the next deploy resumes from.
	Progress string `json:"progress,omitempty"`
}

// StatusReport is the state of every migration, on disk or in the database.
type StatusReport struct {
	Target     string            `json:"target"`
	Migrations []MigrationStatus `json:"migrations"`
	// InvalidIndexes are indexes a failed or interrupted concurrent build
	// left: PostgreSQL maintains them on every write but never uses them.
	InvalidIndexes []string `json:"invalid_indexes,omitempty"`
}

// Clean reports whether nothing is pending, rolled back or failed.
func (s *StatusReport) Clean() bool {
	for _, m := range s.Migrations {
		switch m.State {
		case StatePending, StateFailed, StateRolledBack:
			return false
		}
	}
	return true
}

// Status compares the migrations directory with the database's history. It
// changes nothing, not even creating the history table.
func Status(ctx context.Context, opts *Options) (*StatusReport, error) {
	local, err := loadDir(opts.Dir)
	if err != nil {
		return nil, err
	}
	target, conn, err := dial(ctx, opts.DatabaseURL)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.Background())
	rows, err := readRows(ctx, conn, newHistory(target.Schema))
	if err != nil {
		return nil, err
	}
	rep := &StatusReport{Target: target.String()}
	if rep.InvalidIndexes, err = invalidIndexNames(ctx, conn); err != nil {
		return nil, err
	}
	byName := map[string][]*Row{}
	for _, r := range rows {
		byName[r.Name] = append(byName[r.Name], r)
	}
	for _, m := range local {
		rep.Migrations = append(rep.Migrations, stateOf(m.Name, m.Path, byName[m.Name]))
		delete(byName, m.Name)
	}
	var gone []string
	for name := range byName {
		gone = append(gone, name)
	}
	sort.Strings(gone)
	for _, name := range gone {
		st := stateOf(name, "", byName[name])
		if st.State == StateApplied {
			st.State = StateMissing
		}
		rep.Migrations = append(rep.Migrations, st)
	}
	return rep, nil
}

// readRows returns the history, or nothing when the table does not exist.
func readRows(ctx context.Context, conn *pgx.Conn, hist *history) ([]*Row, error) {
	ok, err := hist.exists(ctx, conn)
	if err != nil || !ok {
		return nil, err
	}
	return hist.rows(ctx, conn)
}

func stateOf(name, path string, rows []*Row) MigrationStatus {
	st := MigrationStatus{Name: name, Path: path, State: StatePending}
	for _, r := range rows {
		switch {
		case r.Applied():
			st.State, st.AppliedAt, st.Logs = StateApplied, r.FinishedAt, ""
			if path != "" && modified(r, path) {
				st.State = StateModified
			}
			return st
		case r.Failed():
			st.State = StateFailed
			if r.Logs != nil {
				st.Logs = *r.Logs
			}
			if done, total, ok := parseProgress(r.Logs); ok {
				st.Progress = fmt.Sprintf("%d of %d statements completed; the next deploy resumes at statement %d while migration.sql is unchanged", done, total, done+1)
			}
		case st.State == StatePending:
			st.State = StateRolledBack
		}
	}
	return st
}

// invalidIndexNames lists the database's invalid indexes.
func invalidIndexNames(ctx context.Context, conn *pgx.Conn) ([]string, error) {
	rows, err := conn.Query(ctx, `SELECT indexrelid::regclass::text FROM pg_index WHERE NOT indisvalid ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

func readFile(path string) ([]byte, error) { return os.ReadFile(path) }
