package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
)

const holderApp = "mg-test-holder"

// lockCases are migrations that need ACCESS EXCLUSIVE on "User": one run
// in a transaction, one run statement by statement.
var lockCases = []struct{ name, sql, column string }{
	{"transaction", "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN \"nickname\" TEXT;\n", "nickname"},
	{"statements", "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN \"nickname\" TEXT;\n\n-- CreateIndex\nCREATE INDEX CONCURRENTLY \"User_createdAt_idx\" ON \"User\"(\"createdAt\");\n", "nickname"},
}

// fastRetries shortens the retry and watch intervals for one test. Tests
// that call it must not be parallel.
func fastRetries(t *testing.T) {
	oldBase, oldPoll := retryBase, watchPoll
	retryBase, watchPoll = 200*time.Millisecond, 50*time.Millisecond
	t.Cleanup(func() { retryBase, watchPoll = oldBase, oldPoll })
}

// holdLock opens a session named holderApp that takes lockSQL in an open
// transaction, and returns it with its backend pid.
func holdLock(t *testing.T, db, lockSQL string) (*pgx.Conn, uint32) {
	t.Helper()
	ctx := context.Background()
	conn := pgtest.Connect(t, db)
	for _, sql := range []string{"SET application_name = '" + holderApp + "'", "BEGIN", lockSQL} {
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	return conn, conn.PgConn().PID()
}

// TestLockTimeoutRetry: a session holds a lock on "User" for 1.5 s; the
// migration times out after 300 ms, retries, names the holder, and succeeds.
func TestLockTimeoutRetry(t *testing.T) {
	fastRetries(t)
	for _, c := range lockCases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			db := pgtest.NewDatabase(t)
			conn := pgtest.Connect(t, db)
			dir := writeDir(t, map[string]string{initName: initSQL})
			mustDeploy(t, testOpts(t, dir, db, nil))
			mustWrite(t, sqlPath(dir, nameName), c.sql)

			holder, pid := holdLock(t, db, `LOCK TABLE "User" IN ACCESS SHARE MODE`)
			start := time.Now()
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				time.Sleep(1500 * time.Millisecond)
				_, _ = holder.Exec(context.Background(), "COMMIT")
			}()
			defer wg.Wait()

			var out bytes.Buffer
			o := testOpts(t, dir, db, nil)
			o.Out = io.MultiWriter(&out, o.Out)
			o.LockTimeout, o.Retries = 300*time.Millisecond, 3
			sum, err := Deploy(ctx, o)
			if err != nil {
				t.Fatalf("deploy: %v", err)
			}
			if len(sum.Applied) != 1 || !columnExists(t, conn, `"User"`, c.column) {
				t.Fatalf("applied %v", appliedNames(sum))
			}
			if took := time.Since(start); took < 1500*time.Millisecond {
				t.Errorf("deploy finished %s after the lock was taken, before it was released", took)
			}
			wantContains(t, "progress", out.String(), "lock timeout in "+nameName, "retrying",
				fmt.Sprintf("pid %d", pid), holderApp, `LOCK TABLE \"User\"`)
			rows := rowsNamed(historyOf(t, conn, "public"), nameName)
			if len(rows) != 1 || !rows[0].Applied() {
				t.Errorf("rows %+v, want one applied row", rows)
			}
		})
	}
}

// TestLockTimeoutGivesUp: the lock is held for the whole deploy; it fails
// naming the holder, changes no schema object, and leaves the migration
// pending, not failed, so that the next deploy applies it.
func TestLockTimeoutGivesUp(t *testing.T) {
	fastRetries(t)
	for _, c := range lockCases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			db := pgtest.NewDatabase(t)
			conn := pgtest.Connect(t, db)
			dir := writeDir(t, map[string]string{initName: initSQL})
			mustDeploy(t, testOpts(t, dir, db, nil))
			mustWrite(t, sqlPath(dir, nameName), c.sql)

			holder, pid := holdLock(t, db, `LOCK TABLE "User" IN ACCESS SHARE MODE`)
			o := testOpts(t, dir, db, nil)
			o.LockTimeout, o.Retries = 300*time.Millisecond, 1
			_, err := Deploy(ctx, o)
			var me *MigrationError
			if !errors.As(err, &me) || me.Code != "55P03" {
				t.Fatalf("deploy: %v, want a *MigrationError with 55P03", err)
			}
			wantContains(t, "BlockedBy", me.BlockedBy, fmt.Sprintf("pid %d", pid), holderApp)
			wantContains(t, "error", me.Error(), fmt.Sprintf("pid %d", pid), holderApp)
			if _, err := holder.Exec(ctx, "ROLLBACK"); err != nil {
				t.Fatal(err)
			}
			if columnExists(t, conn, `"User"`, c.column) || exists(t, conn, `"User_createdAt_idx"`) {
				t.Error("the timed-out migration changed the schema")
			}
			wantContains(t, "error", me.Error(), "stays pending")
			if rows := rowsNamed(historyOf(t, conn, "public"), nameName); len(rows) != 0 {
				t.Fatalf("rows %+v, want none: nothing was applied", rows)
			}
			if st := mustStatus(t, o); states(st) != "applied pending" {
				t.Errorf("status %s, want applied pending", states(st))
			}
			if sum := mustDeploy(t, o); len(sum.Applied) != 1 || !columnExists(t, conn, `"User"`, c.column) {
				t.Errorf("the next deploy applied %v", appliedNames(sum))
			}
		})
	}
}

// TestMigrationLockWait: another session holds Prisma's advisory lock for
// longer than LockWait; deploy gives up naming it and changes nothing. A
// deploy of another database on the same server holds the same key, which
// locks only its own database and must not be named.
func TestMigrationLockWait(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	other := pgtest.Connect(t, pgtest.NewDatabase(t))
	if _, err := other.Exec(ctx, fmt.Sprintf("SET application_name = 'other-database'; SELECT pg_advisory_lock(%d)", advisoryLockKey)); err != nil {
		t.Fatal(err)
	}
	db := pgtest.NewDatabase(t)
	conn := pgtest.Connect(t, db)
	_, pid := holdLock(t, db, fmt.Sprintf("SELECT pg_advisory_lock(%d)", advisoryLockKey))
	dir := writeDir(t, map[string]string{initName: initSQL})
	o := testOpts(t, dir, db, nil)
	o.LockWait = 700 * time.Millisecond
	start := time.Now()
	_, err := Deploy(ctx, o)
	if err == nil {
		t.Fatal("deploy went ahead while another session held the migration lock")
	}
	if took := time.Since(start); took < o.LockWait || took > o.LockWait+5*time.Second {
		t.Errorf("gave up after %s, want about %s", took, o.LockWait)
	}
	wantContains(t, "error", err.Error(), "72707369", fmt.Sprintf("pid %d", pid), holderApp)
	if strings.Contains(err.Error(), "other-database") {
		t.Errorf("the error names the lock holder of another database: %v", err)
	}
	if exists(t, conn, historyTable) || exists(t, conn, `"User"`) {
		t.Error("deploy changed the database without the migration lock")
	}
	if strings.Contains(err.Error(), "deadlock") {
		t.Error(err)
	}
}

// TestShortLockTimeoutNamesBlocker: a lock timeout shorter than the
// watcher's polling interval must still name the blocking session.
func TestShortLockTimeoutNamesBlocker(t *testing.T) {
	ctx := context.Background()
	db := pgtest.NewDatabase(t)
	dir := writeDir(t, map[string]string{initName: initSQL})
	mustDeploy(t, testOpts(t, dir, db, nil))
	mustWrite(t, sqlPath(dir, nameName), lockCases[0].sql)
	_, pid := holdLock(t, db, `LOCK TABLE "User" IN ACCESS SHARE MODE`)
	o := testOpts(t, dir, db, nil)
	o.LockTimeout, o.Retries = 60*time.Millisecond, 0
	_, err := Deploy(ctx, o)
	var me *MigrationError
	if !errors.As(err, &me) || me.Code != "55P03" {
		t.Fatalf("deploy: %v, want a *MigrationError with 55P03", err)
	}
	wantContains(t, "BlockedBy", me.BlockedBy, fmt.Sprintf("pid %d", pid), holderApp)
}
