package deploy

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// historyTable is Prisma's migration history table.
const historyTable = "_prisma_migrations"

// createHistorySQL creates the history table exactly as Prisma does.
const createHistorySQL = `CREATE TABLE IF NOT EXISTS %s (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`

// Row is one row of _prisma_migrations.
type Row struct {
	ID           string
	Checksum     string
	FinishedAt   *time.Time
	Name         string
	Logs         *string
	RolledBackAt *time.Time
	StartedAt    time.Time
	AppliedSteps int
}

// Failed reports a row Prisma treats as a failed migration: neither
// finished nor rolled back.
func (r *Row) Failed() bool { return r.FinishedAt == nil && r.RolledBackAt == nil }

// Applied reports a finished row that was not rolled back.
func (r *Row) Applied() bool { return r.FinishedAt != nil && r.RolledBackAt == nil }

// history reads and writes _prisma_migrations in one schema.
type history struct {
	table string // quoted, schema-qualified
	now   func() time.Time
}

func newHistory(schema string) *history {
	return &history{table: sqltext.Ident(schema) + "." + sqltext.Ident(historyTable), now: func() time.Time { return time.Now().UTC() }}
}

// exists reports whether the history table exists.
func (h *history) exists(ctx context.Context, q querier) (bool, error) {
	var ok bool
	err := q.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", h.table).Scan(&ok)
	return ok, err
}

func (h *history) create(ctx context.Context, q querier) error {
	_, err := q.Exec(ctx, fmt.Sprintf(createHistorySQL, h.table))
	return err
}

// rows returns every row ordered by started_at, as Prisma reads them.
func (h *history) rows(ctx context.Context, q querier) ([]*Row, error) {
	rs, err := q.Query(ctx, `SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count FROM `+h.table+` ORDER BY started_at ASC`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rs, func(r pgx.CollectableRow) (*Row, error) {
		row := &Row{}
		err := r.Scan(&row.ID, &row.Checksum, &row.FinishedAt, &row.Name, &row.Logs, &row.RolledBackAt, &row.StartedAt, &row.AppliedSteps)
		return row, err
	})
}

// start inserts the row of a migration about to run and returns its id.
func (h *history) start(ctx context.Context, q querier, name, checksum string) (string, error) {
	id := newID()
	_, err := q.Exec(ctx, h.startSQL(id, name, checksum, ""))
	return id, err
}

// startSQL is the INSERT of start with its values written out, so that it
// can share a round trip with the statements around it. Empty logs are
// NULL, as Prisma writes them.
func (h *history) startSQL(id, name, checksum, logs string) string {
	l := "NULL"
	if logs != "" {
		l = sqltext.Literal(logs)
	}
	return `INSERT INTO ` + h.table + ` (id, checksum, started_at, migration_name, logs) VALUES (` +
		sqltext.Literal(id) + `, ` + sqltext.Literal(checksum) + `, ` + timestampLiteral(h.now()) + `, ` + sqltext.Literal(name) + `, ` + l + ");\n"
}

// finishSQL marks a row applied, as Prisma does after a successful script:
// one step, and no logs (the progress of a statement-by-statement run is
// cleared).
func (h *history) finishSQL(id string) string {
	return `UPDATE ` + h.table + ` SET finished_at = ` + timestampLiteral(h.now()) + `, applied_steps_count = 1, logs = NULL WHERE id = ` + sqltext.Literal(id) + ";\n"
}

// logsSQL replaces a row's logs, to record progress in the round trip of
// the statement that made it.
func (h *history) logsSQL(id, logs string) string {
	return `UPDATE ` + h.table + ` SET logs = ` + sqltext.Literal(logs) + ` WHERE id = ` + sqltext.Literal(id) + ";\n"
}

// forget deletes the row of a migration that applied nothing, so that it
// stays pending instead of failed.
func (h *history) forget(ctx context.Context, q querier, id string) error {
	_, err := q.Exec(ctx, `DELETE FROM `+h.table+` WHERE id = $1`, id)
	return err
}

// timestampLiteral writes t to the microsecond, PostgreSQL's precision.
func timestampLiteral(t time.Time) string {
	return "TIMESTAMPTZ '" + t.UTC().Format("2006-01-02 15:04:05.999999") + "+00'"
}

// fail records why a migration failed; finished_at stays NULL, which makes
// later deploys refuse until the failure is resolved.
func (h *history) fail(ctx context.Context, q querier, id, logs string) error {
	_, err := q.Exec(ctx, `UPDATE `+h.table+` SET logs = $2 WHERE id = $1`, id, logs)
	return err
}

// rollBack marks every failed row of a migration rolled back.
func (h *history) rollBack(ctx context.Context, q querier, name string) error {
	_, err := q.Exec(ctx, `UPDATE `+h.table+` SET rolled_back_at = $2 WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL`, name, h.now())
	return err
}

// markApplied inserts the row `prisma migrate resolve --applied` writes:
// logs empty, started_at equal to finished_at, no steps.
func (h *history) markApplied(ctx context.Context, q querier, name, checksum string) error {
	now := h.now()
	_, err := q.Exec(ctx, `INSERT INTO `+h.table+` (id, checksum, started_at, finished_at, migration_name, logs, applied_steps_count) VALUES ($1, $2, $3, $3, $4, '', 0)`, newID(), checksum, now, name)
	return err
}

// Checksum is Prisma's checksum of a migration file: lowercase hex SHA-256 of
// its exact bytes.
func Checksum(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// checksumMatches compares a file to a recorded checksum the way Prisma
// does: a change of line endings alone (CRLF and LF) is not a modification,
// and very old engines wrote hex without zero padding.
func checksumMatches(recorded string, data []byte) bool {
	lf := []byte(strings.ReplaceAll(string(data), "\r\n", "\n"))
	crlf := []byte(strings.ReplaceAll(string(lf), "\n", "\r\n"))
	for _, variant := range [][]byte{data, lf, crlf} {
		sum := sha256.Sum256(variant)
		if recorded == hex.EncodeToString(sum[:]) || recorded == unpadded(sum[:]) {
			return true
		}
	}
	return false
}

func unpadded(sum []byte) string {
	var b strings.Builder
	for _, x := range sum {
		fmt.Fprintf(&b, "%x", x)
	}
	return b.String()
}

// newID returns a random UUID v4, the id format Prisma writes.
func newID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
