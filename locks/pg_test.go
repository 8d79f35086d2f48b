package locks_test

// TestLocksOnPostgres holds the model to a real server: each statement of
// lockCases runs on the history's tables, each holding a row, and the locks
// its backend then holds (pg_locks) must match the model's, relation by
// relation.

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
	"github.com/migrate-guard/migrate-guard/locks"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// rows gives every table of history one row.
const rows = `INSERT INTO "User" ("email") VALUES ('a@example.com');
INSERT INTO "Post" ("title", "authorId") VALUES ('hello', 1);
INSERT INTO "Event" VALUES (1, '2024-06-01');
INSERT INTO "Event_2025" VALUES (1, '2025-06-01');
REFRESH MATERIALIZED VIEW "Stats";`

// relLock is a lock PostgreSQL holds or waits for on a relation.
type relLock struct {
	rel  string // relation name
	kind string // pg_class.relkind
	mode locks.Mode
}

func TestLocksOnPostgres(t *testing.T) {
	shared := newDB(t)
	cat := replay(t)
	for _, c := range lockCases {
		t.Run(c.sql, func(t *testing.T) {
			model := locks.Of(parseOne(t, c.sql), cat)
			if c.noTxPG {
				// Runs for real: give it a database of its own.
				got := newDB(t).waitingLock(t, c.sql, model[0])
				compare(t, shared, model[:1], got, false) // only the first lock it waits for is seen
				return
			}
			compare(t, shared, model, shared.heldLocks(t, c.sql), true)
		})
	}
}

// db is a database holding history, with a row in each table.
type db struct {
	url  string
	conn *pgx.Conn
	rels map[uint32]relLock // the relations of history, by oid (no mode)
}

func newDB(t *testing.T) *db {
	t.Helper()
	ctx := context.Background()
	d := &db{url: pgtest.NewDatabase(t), rels: map[uint32]relLock{}}
	d.conn = pgtest.Connect(t, d.url)
	if _, err := d.conn.Exec(ctx, history+rows); err != nil {
		t.Fatal(err)
	}
	r, err := d.conn.Query(ctx, `SELECT oid, relname::text, relkind::text FROM pg_class WHERE relnamespace = 'public'::regnamespace`)
	if err != nil {
		t.Fatal(err)
	}
	var oid uint32
	var rel relLock
	if _, err := pgx.ForEachRow(r, []any{&oid, &rel.rel, &rel.kind}, func() error { d.rels[oid] = rel; return nil }); err != nil {
		t.Fatal(err)
	}
	return d
}

// heldLocks runs sql in a transaction that it rolls back, and returns the
// locks the transaction held on the history's relations.
func (d *db) heldLocks(t *testing.T, sql string) []relLock {
	t.Helper()
	ctx := context.Background()
	tx, err := d.conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, sql); err != nil {
		t.Fatal(err)
	}
	return d.queryLocks(t, tx, `pid = pg_backend_pid()`)
}

// waitingLock runs sql, which cannot run in a transaction block, while
// another session holds on want's table the weakest lock that conflicts
// with want, and returns the lock sql's session then waits for: its first
// request that conflicts.
func (d *db) waitingLock(t *testing.T, sql string, want locks.Lock) []relLock {
	t.Helper()
	ctx := context.Background()
	blocker := locks.AccessShare
	for !blocker.Conflicts(want.Mode) {
		blocker++
	}
	tx, err := pgtest.Connect(t, d.url).Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "LOCK TABLE "+want.Table.String()+" IN "+blocker.String()+" MODE"); err != nil {
		t.Fatal(err)
	}
	runner := pgtest.Connect(t, d.url)
	var pid int
	if err := runner.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := runner.Exec(ctx, sql); done <- err }()
	var got []relLock
	for deadline := time.Now().Add(10 * time.Second); len(got) == 0 && time.Now().Before(deadline); {
		select {
		case err := <-done:
			t.Fatalf("ran without waiting for %s's %s lock (err %v)", want.Table, blocker, err)
		case <-time.After(20 * time.Millisecond):
		}
		got = d.queryLocks(t, d.conn, `pid = $1 AND NOT granted`, pid)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return got
}

// queryLocks returns the relation locks on the history's relations that
// pg_locks shows under a condition. Relations are named from the oids taken
// before, so a relation the statement dropped keeps its name.
func (d *db) queryLocks(t *testing.T, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, where string, args ...any) []relLock {
	t.Helper()
	r, err := q.Query(context.Background(), `SELECT relation, mode FROM pg_locks WHERE locktype = 'relation' AND `+where, args...)
	if err != nil {
		t.Fatal(err)
	}
	var out []relLock
	var oid uint32
	var mode string
	_, err = pgx.ForEachRow(r, []any{&oid, &mode}, func() error {
		if rel, ok := d.rels[oid]; ok {
			rel.mode = modeNamed(t, mode)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func modeNamed(t *testing.T, pgName string) locks.Mode {
	for m := locks.AccessShare; m <= locks.AccessExclusive; m++ {
		if m.PGName() == pgName {
			return m
		}
	}
	t.Fatalf("unknown lock mode %q", pgName)
	return locks.None
}

// compare checks, relation by relation, that PostgreSQL's strongest lock is
// the model's; with all set, also that PostgreSQL locked no table the model
// left out and nothing more strongly than the model's strongest lock.
func compare(t *testing.T, d *db, model []locks.Lock, got []relLock, all bool) {
	t.Helper()
	pgMode := map[string]locks.Mode{}
	strongest := locks.None
	for _, g := range got {
		pgMode[g.rel] = max(pgMode[g.rel], g.mode)
		if strings.ContainsAny(g.kind, "rpmiI") {
			strongest = max(strongest, g.mode)
		}
	}
	want := map[string]locks.Mode{}
	modelStrongest := locks.None
	for _, l := range model {
		for _, rel := range lockedRelations(t, d.conn, l) {
			want[rel] = max(want[rel], l.Mode)
		}
		modelStrongest = max(modelStrongest, l.Mode)
	}
	for rel, m := range want {
		if pgMode[rel] != m {
			t.Errorf("%s: PostgreSQL took %s, the model says %s (PostgreSQL's locks: %v)", rel, pgMode[rel], m, got)
		}
	}
	if !all {
		return
	}
	for _, g := range got {
		if strings.ContainsAny(g.kind, "rpm") && want[g.rel] == locks.None {
			t.Errorf("PostgreSQL also took %s on %s, which the model leaves out", g.mode, g.rel)
		}
	}
	if strongest != modelStrongest {
		t.Errorf("PostgreSQL's strongest lock is %s, the model's %s (PostgreSQL's locks: %v)", strongest, modelStrongest, got)
	}
}

// lockedRelations names the relations a model lock is on.
func lockedRelations(t *testing.T, conn *pgx.Conn, l locks.Lock) []string {
	t.Helper()
	switch l.Target {
	case locks.OnIndex:
		return []string{l.Index.Name}
	case locks.OnIndexes:
		r, err := conn.Query(context.Background(), `SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = $1::regclass`, l.Table.String())
		if err != nil {
			t.Fatal(err)
		}
		names, err := pgx.CollectRows(r, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		for i, n := range names {
			names[i] = strings.Trim(n, `"`)
		}
		return names
	}
	return []string{l.Table.Name}
}

func (r relLock) String() string { return fmt.Sprintf("%s %s", r.rel, r.mode) }
