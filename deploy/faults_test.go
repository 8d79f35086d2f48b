package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
)

// syncBuffer is an output both a command and the test use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// started is a migrate-guard process running in the background.
type started struct {
	cmd    *exec.Cmd
	out    *syncBuffer
	exited chan struct{}
	code   int
}

func start(t *testing.T, cmd *exec.Cmd) *started {
	t.Helper()
	p := &started{cmd: cmd, out: &syncBuffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		err := cmd.Wait()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			p.code = ee.ExitCode()
		}
		close(p.exited)
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-p.exited })
	return p
}

// waitRow polls query until it returns a row and returns its first column,
// failing when p (if any) exits first or after 30 s.
func waitRow(t *testing.T, conn *pgx.Conn, p *started, query string, args ...any) int {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(30 * time.Millisecond) {
		var v int
		err := conn.QueryRow(context.Background(), query, args...).Scan(&v)
		if err == nil {
			return v
		}
		if err != pgx.ErrNoRows {
			t.Fatal(err)
		}
		if p != nil {
			select {
			case <-p.exited:
				t.Fatalf("migrate-guard exited before %s:\n%s", query, p.out.String())
			default:
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited 30 s for %s", query)
		}
	}
}

// waitGone waits until backend pid has exited.
func waitGone(t *testing.T, conn *pgx.Conn, pid int) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(30 * time.Millisecond) {
		var alive bool
		if err := conn.QueryRow(context.Background(), "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE pid = $1)", pid).Scan(&alive); err != nil {
			t.Fatal(err)
		}
		if !alive {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("backend %d still alive after 30 s", pid)
		}
	}
}

// mgWaiting finds the backend of a deploy waiting for a lock: heavyweight,
// or virtualxid (a concurrent build waiting for an older transaction).
const mgWaiting = `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'migrate-guard'
	AND wait_event_type = 'Lock' LIMIT 1`

func exec1(t *testing.T, conn *pgx.Conn, sql string) {
	t.Helper()
	if _, err := conn.Exec(context.Background(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// holdSnapshot opens a session named holderApp holding a REPEATABLE READ
// snapshot, as pg_dump or a long report does.
func holdSnapshot(t *testing.T, db string) (*pgx.Conn, uint32) {
	t.Helper()
	conn := pgtest.Connect(t, db)
	exec1(t, conn, "SET application_name = '"+holderApp+"'")
	exec1(t, conn, "BEGIN ISOLATION LEVEL REPEATABLE READ")
	exec1(t, conn, "SELECT count(*) FROM pg_class")
	return conn, conn.PgConn().PID()
}

// TestBesidePrisma (issue 11, 1): `prisma migrate deploy` started while
// ours runs blocks in pg_advisory_lock holding a snapshot; our CREATE INDEX
// CONCURRENTLY would wait for that snapshot while the waiter waits for our
// lock. The deploy waits for Prisma to give up, cancels the orphaned lock
// wait, says so, and builds the index.
func TestBesidePrisma(t *testing.T) {
	old := prismaLockWait
	prismaLockWait = time.Second
	t.Cleanup(func() { prismaLockWait = old })
	ctx := context.Background()
	db := pgtest.NewDatabase(t)
	conn := pgtest.Connect(t, db)
	const (
		slowName = "20240102000000_slow"
		slowSQL  = "-- CreateTable\nCREATE TABLE \"Slow\" (\"id\" INTEGER);\nSELECT pg_sleep(1.5);\n"
		cicName  = "20240103000000_index"
		cicSQL   = "-- CreateIndex\nCREATE INDEX CONCURRENTLY \"User_createdAt_idx\" ON \"User\"(\"createdAt\");\n"
	)
	dir := writeDir(t, map[string]string{initName: initSQL, slowName: slowSQL, cicName: cicSQL})
	var out syncBuffer
	o := testOpts(t, dir, db, nil)
	o.Out = io.MultiWriter(&out, o.Out)
	errc := make(chan error, 1)
	go func() { _, err := Deploy(ctx, o); errc <- err }()

	waitRow(t, conn, nil, `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(1.5)%' AND pid <> pg_backend_pid()`)
	prisma := pgtest.Connect(t, db)
	exec1(t, prisma, "SET application_name = 'prisma-migrate-deploy'")
	prismaErr := make(chan error, 1)
	go func() {
		_, err := prisma.Exec(ctx, fmt.Sprintf("SELECT pg_advisory_lock(%d)", advisoryLockKey))
		prismaErr <- err
	}()
	waitRow(t, conn, nil, `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND pid = $1`, int(prisma.PgConn().PID()))

	if err := <-errc; err != nil {
		t.Fatalf("deploy beside a blocked Prisma deploy: %v", err)
	}
	if !validIndex(t, conn, `"User_createdAt_idx"`) {
		t.Error("the index is not valid")
	}
	for _, r := range historyOf(t, conn, "public") {
		if !r.Applied() {
			t.Errorf("row %s not applied: %v", r.Name, r.Logs)
		}
	}
	wantContains(t, "output", out.String(), fmt.Sprintf("cancelled the migration-lock wait of pid %d", prisma.PgConn().PID()), "prisma-migrate-deploy")
	if err := <-prismaErr; !isCode(err, "57014") {
		t.Errorf("the blocked Prisma session got %v, want its lock wait cancelled (57014)", err)
	}
}

// TestConcurrentWaitsForOldTransaction (issue 11, 2): a transaction older
// than --lock-timeout does not fail a concurrent build: the build waits for
// it under the long bound, and says for whom.
func TestConcurrentWaitsForOldTransaction(t *testing.T) {
	oldSay := waitSay
	waitSay = 300 * time.Millisecond
	t.Cleanup(func() { waitSay = oldSay })
	db := pgtest.NewDatabase(t)
	conn := pgtest.Connect(t, db)
	dir := writeDir(t, map[string]string{initName: initSQL})
	mustDeploy(t, testOpts(t, dir, db, nil))
	const name = "20240102000000_index"
	mustWrite(t, sqlPath(dir, name), "-- CreateIndex\nCREATE INDEX CONCURRENTLY \"User_createdAt_idx\" ON \"User\"(\"createdAt\");\n")

	holder, pid := holdSnapshot(t, db)
	go func() {
		time.Sleep(2 * time.Second)
		_, _ = holder.Exec(context.Background(), "COMMIT")
	}()
	var out syncBuffer
	o := testOpts(t, dir, db, nil)
	o.Out = io.MultiWriter(&out, o.Out)
	o.LockTimeout, o.Retries = 300*time.Millisecond, 0
	t0 := time.Now()
	mustDeploy(t, o)
	if took := time.Since(t0); took < 1500*time.Millisecond {
		t.Errorf("the build finished in %s, before the old transaction ended", took)
	}
	if !validIndex(t, conn, `"User_createdAt_idx"`) {
		t.Error("the index is not valid")
	}
	wantContains(t, "output", out.String(), "CREATE INDEX CONCURRENTLY in "+name+" is waiting for", fmt.Sprintf("pid %d", pid), holderApp)
}

// killSQL is a migration of statements that each touch a table of their
// own, so that a test can stop the deploy before any one of them.
const (
	killInitName = "20240101000000_tables"
	killInitSQL  = `CREATE TABLE "T1" ("n" INTEGER);
CREATE TABLE "T2" ("n" INTEGER);
CREATE TABLE "T3" ("n" INTEGER);
CREATE TABLE "T4" ("n" INTEGER);
CREATE INDEX "T4_n_idx" ON "T4"("n");
CREATE TABLE "T5" ("n" INTEGER);
CREATE TABLE "T6" ("n" INTEGER);
`
	killName = "20240102000000_concurrently"
	killSQL  = `-- Backfill
INSERT INTO "T1" VALUES (1);

-- CreateIndex
CREATE INDEX CONCURRENTLY "T2_n_idx" ON "T2"("n");

-- Backfill
INSERT INTO "T3" VALUES (1);

-- DropIndex
DROP INDEX CONCURRENTLY "T4_n_idx";

-- CreateIndex
CREATE UNIQUE INDEX CONCURRENTLY "T5_n_key" ON "T5"("n");

-- Backfill
INSERT INTO "T6" VALUES (1);
`
)

// TestKillAtEveryStatement (issue 11, 3): a deploy of a CONCURRENTLY
// migration is killed (SIGKILL) while each of its statements waits for a
// lock, with the orphaned backend either finishing that statement or
// terminated; the next deploy resumes and every statement has taken effect
// exactly once.
func TestKillAtEveryStatement(t *testing.T) {
	for k := range 6 {
		for _, finish := range []bool{true, false} {
			t.Run(fmt.Sprintf("before statement %d, orphan finishes %v", k+1, finish), func(t *testing.T) {
				t.Parallel()
				db := pgtest.NewDatabase(t)
				conn := pgtest.Connect(t, db)
				dir := writeDir(t, map[string]string{killInitName: killInitSQL})
				mustDeploy(t, testOpts(t, dir, db, nil))
				mustWrite(t, sqlPath(dir, killName), killSQL)

				gate := pgtest.Connect(t, db)
				exec1(t, gate, "BEGIN")
				exec1(t, gate, fmt.Sprintf(`LOCK TABLE "T%d" IN ACCESS EXCLUSIVE MODE`, k+1))
				p := start(t, mgCommand(t, db, "deploy", "--lock-timeout", "1m", dir))
				pid := waitRow(t, conn, p, mgWaiting)
				if err := p.cmd.Process.Kill(); err != nil {
					t.Fatal(err)
				}
				<-p.exited
				if !finish {
					exec1(t, conn, fmt.Sprintf("SELECT pg_terminate_backend(%d)", pid))
				}
				exec1(t, gate, "COMMIT")
				waitGone(t, conn, pid)

				rows := rowsNamed(historyOf(t, conn, "public"), killName)
				if len(rows) != 1 || !rows[0].Failed() {
					t.Fatalf("rows %+v after the kill, want one unfinished row", rows)
				}
				// A transactional statement and its progress commit together:
				// an orphan that finishes one records it.
				if done, total, ok := parseProgress(rows[0].Logs); !ok || total != 6 || (done != k && !(finish && done == k+1)) {
					t.Errorf("progress %q after the kill, want %d of 6", *rows[0].Logs, k)
				}
				sum := mustDeploy(t, testOpts(t, dir, db, nil))
				if !slices.Equal(appliedNames(sum), []string{killName}) {
					t.Fatalf("resume applied %v", appliedNames(sum))
				}
				for _, tbl := range []string{"T1", "T3", "T6"} {
					var n int
					if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM "`+tbl+`"`).Scan(&n); err != nil || n != 1 {
						t.Errorf("%s has %d rows (%v), want 1: its INSERT ran %d times", tbl, n, err, n)
					}
				}
				if !validIndex(t, conn, `"T2_n_idx"`) || !validIndex(t, conn, `"T5_n_key"`) || exists(t, conn, `"T4_n_idx"`) {
					t.Error("the index statements did not all take effect")
				}
				var invalid int
				if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM pg_index WHERE NOT indisvalid").Scan(&invalid); err != nil || invalid != 0 {
					t.Errorf("%d invalid indexes left (%v)", invalid, err)
				}
				rows = rowsNamed(historyOf(t, conn, "public"), killName)
				if len(rows) != 1 || !rows[0].Applied() || rows[0].Logs != nil || rows[0].AppliedSteps != 1 {
					t.Errorf("rows %+v, want the row resumed and finished as Prisma finishes one", rows)
				}
			})
		}
	}
}

// TestLostBuildLeavesInvalidIndex (issue 11, 4): the connection of a
// concurrent build is lost while the build waits for an older transaction:
// the INVALID index it leaves is named by status, and the next deploy drops
// it and builds the index again.
func TestLostBuildLeavesInvalidIndex(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDatabase(t)
	conn := pgtest.Connect(t, db)
	dir := writeDir(t, map[string]string{initName: initSQL})
	mustDeploy(t, testOpts(t, dir, db, nil))
	const name = "20240102000000_index"
	mustWrite(t, sqlPath(dir, name), "-- CreateIndex\nCREATE INDEX CONCURRENTLY \"User_createdAt_idx\" ON \"User\"(\"createdAt\");\n")

	holder, _ := holdSnapshot(t, db)
	p := start(t, mgCommand(t, db, "deploy", dir))
	pid := waitRow(t, conn, p, `SELECT pid FROM pg_stat_activity WHERE datname = current_database()
		AND application_name = 'migrate-guard' AND wait_event = 'virtualxid'`)
	_ = p.cmd.Process.Kill()
	<-p.exited
	exec1(t, conn, fmt.Sprintf("SELECT pg_terminate_backend(%d)", pid))
	waitGone(t, conn, pid)
	exec1(t, holder, "COMMIT")

	st := mustStatus(t, testOpts(t, dir, db, nil))
	if !slices.Equal(st.InvalidIndexes, []string{`"User_createdAt_idx"`}) {
		t.Errorf("status names invalid indexes %q, want [\"User_createdAt_idx\"]", st.InvalidIndexes)
	}
	if states(st) != "applied failed" || !strings.Contains(st.Migrations[1].Progress, "0 of 1") {
		t.Errorf("status %s %+v", states(st), st.Migrations[1])
	}
	var out syncBuffer
	o := testOpts(t, dir, db, nil)
	o.Out = io.MultiWriter(&out, o.Out)
	mustDeploy(t, o)
	wantContains(t, "output", out.String(), `dropping invalid index "User_createdAt_idx" left by the interrupted build`)
	if !validIndex(t, conn, `"User_createdAt_idx"`) {
		t.Error("the index was not rebuilt")
	}
}

// TestBlockerLiteralsNeverShown (issue 11, 5): the blocking session's last
// query holds a secret; the error, the output and the stored logs show its
// query normalized, never the literal.
func TestBlockerLiteralsNeverShown(t *testing.T) {
	fastRetries(t)
	db := pgtest.NewDatabase(t)
	conn := pgtest.Connect(t, db)
	dir := writeDir(t, map[string]string{initName: initSQL})
	mustDeploy(t, testOpts(t, dir, db, nil))
	const (
		name   = "20240102000000_tag"
		secret = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
	)
	mustWrite(t, sqlPath(dir, name), "-- CreateTable\nCREATE TABLE \"Tag\" (\"id\" INTEGER);\n\n"+lockCases[1].sql)
	holder, _ := holdLock(t, db, `LOCK TABLE "User" IN ACCESS SHARE MODE`)
	exec1(t, holder, "SELECT '"+secret+"' AS token, 42 AS n")

	var out syncBuffer
	o := testOpts(t, dir, db, nil)
	o.Out = &out
	o.LockTimeout, o.Retries = 300*time.Millisecond, 1
	_, err := Deploy(context.Background(), o)
	var me *MigrationError
	if !errors.As(err, &me) || me.Code != "55P03" {
		t.Fatalf("deploy: %v, want a *MigrationError with 55P03", err)
	}
	rows := rowsNamed(historyOf(t, conn, "public"), name)
	if len(rows) != 1 || rows[0].Logs == nil {
		t.Fatalf("rows %+v, want one failed row with logs", rows)
	}
	for what, s := range map[string]string{"error": me.Error(), "output": out.String(), "logs": *rows[0].Logs} {
		if strings.Contains(s, secret) || strings.Contains(s, "42 AS") {
			t.Errorf("%s shows the blocking session's literals:\n%s", what, s)
		}
		wantContains(t, what, s, `SELECT $1 AS token, $2 AS n`, holderApp)
	}
}

// TestSignalCancelsStatement (issue 11, 6): SIGTERM cancels the statement
// the server is running, waits for it, records the state and exits 1.
func TestSignalCancelsStatement(t *testing.T) {
	t.Run("transaction", func(t *testing.T) {
		t.Parallel()
		db := pgtest.NewDatabase(t)
		conn := pgtest.Connect(t, db)
		dir := writeDir(t, map[string]string{initName: initSQL})
		mustDeploy(t, testOpts(t, dir, db, nil))
		const name = "20240102000000_slow"
		mustWrite(t, sqlPath(dir, name), "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN \"x\" TEXT;\nSELECT pg_sleep(30);\n")
		p := start(t, mgCommand(t, db, "deploy", dir))
		waitRow(t, conn, p, `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(30)%' AND state = 'active' AND pid <> pg_backend_pid()`)
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		<-p.exited
		if p.code != 1 {
			t.Errorf("exit code %d, want 1", p.code)
		}
		wantContains(t, "output", p.out.String(), "interrupted", "nothing of it is applied and it stays pending")
		var running bool
		if err := conn.QueryRow(context.Background(), `SELECT EXISTS (SELECT FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' AND state = 'active' AND pid <> pg_backend_pid())`).Scan(&running); err != nil || running {
			t.Errorf("the migration still runs on the server after the deploy exited (%v)", err)
		}
		if columnExists(t, conn, `"User"`, "x") || len(rowsNamed(historyOf(t, conn, "public"), name)) != 0 {
			t.Error("the interrupted transactional migration left a trace")
		}
	})
	t.Run("concurrent build", func(t *testing.T) {
		t.Parallel()
		db := pgtest.NewDatabase(t)
		conn := pgtest.Connect(t, db)
		dir := writeDir(t, map[string]string{initName: initSQL})
		mustDeploy(t, testOpts(t, dir, db, nil))
		const name = "20240102000000_index"
		mustWrite(t, sqlPath(dir, name), "-- CreateTable\nCREATE TABLE \"Tag\" (\"id\" INTEGER);\n\n-- CreateIndex\nCREATE INDEX CONCURRENTLY \"User_createdAt_idx\" ON \"User\"(\"createdAt\");\n")
		holder, _ := holdSnapshot(t, db)
		p := start(t, mgCommand(t, db, "deploy", dir))
		pid := waitRow(t, conn, p, mgWaiting)
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		<-p.exited
		if p.code != 1 {
			t.Errorf("exit code %d, want 1", p.code)
		}
		wantContains(t, "output", p.out.String(), "interrupted: statement 2 of 2 was cancelled", "resumes at statement 2")
		var waiting bool
		if err := conn.QueryRow(context.Background(), `SELECT EXISTS (SELECT FROM pg_stat_activity WHERE pid = $1 AND state = 'active')`, pid).Scan(&waiting); err != nil || waiting {
			t.Errorf("the build still runs on the server after the deploy exited (%v)", err)
		}
		exec1(t, holder, "COMMIT")
		if validIndex(t, conn, `"User_createdAt_idx"`) {
			t.Error("the cancelled build completed")
		}
		rows := rowsNamed(historyOf(t, conn, "public"), name)
		if len(rows) != 1 || rows[0].Logs == nil || !strings.HasPrefix(*rows[0].Logs, progressLogs(1, 2)) {
			t.Fatalf("rows %+v, want one row with the progress 1 of 2", rows)
		}
		mustDeploy(t, testOpts(t, dir, db, nil))
		if !validIndex(t, conn, `"User_createdAt_idx"`) {
			t.Error("the resumed deploy did not build the index")
		}
	})
}

// TestDeadlockRetried (issue 11, 7): application traffic deadlocks with a
// transactional migration, and PostgreSQL fails the migration's side; the
// migration is retried and applied.
func TestDeadlockRetried(t *testing.T) {
	fastRetries(t)
	ctx := context.Background()
	db := pgtest.NewDatabase(t)
	conn := pgtest.Connect(t, db)
	dir := writeDir(t, map[string]string{killInitName: killInitSQL})
	mustDeploy(t, testOpts(t, dir, db, nil))
	const name = "20240102000000_columns"
	mustWrite(t, sqlPath(dir, name), "ALTER TABLE \"T1\" ADD COLUMN \"x\" INTEGER;\nSELECT pg_sleep(2);\nALTER TABLE \"T2\" ADD COLUMN \"y\" INTEGER;\n")

	app := pgtest.Connect(t, db)
	exec1(t, app, "BEGIN")
	exec1(t, app, `LOCK TABLE "T2" IN ACCESS SHARE MODE`)
	var out syncBuffer
	o := testOpts(t, dir, db, nil)
	o.Out = io.MultiWriter(&out, o.Out)
	errc := make(chan error, 1)
	go func() { _, err := Deploy(ctx, o); errc <- err }()
	// The application waits for "T1", held by the migration, before the
	// migration waits for "T2": the migration is the one that closes the
	// cycle, so PostgreSQL fails it.
	waitRow(t, conn, nil, `SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a USING (pid)
		WHERE a.application_name = 'migrate-guard' AND l.relation = '"T1"'::regclass AND l.mode = 'AccessExclusiveLock' AND l.granted`)
	if _, err := app.Exec(ctx, `SELECT count(*) FROM "T1"`); err != nil {
		t.Fatalf("the application's query failed: %v", err)
	}
	exec1(t, app, "COMMIT")
	if err := <-errc; err != nil {
		t.Fatalf("deploy: %v", err)
	}
	wantContains(t, "output", out.String(), "deadlock in "+name, "retrying")
	if !columnExists(t, conn, `"T1"`, "x") || !columnExists(t, conn, `"T2"`, "y") {
		t.Error("the retried migration is not applied")
	}
	if rows := rowsNamed(historyOf(t, conn, "public"), name); len(rows) != 1 || !rows[0].Applied() {
		t.Errorf("rows %+v, want one applied row", rows)
	}
}

// roleURL points a test database URL at another role.
func roleURL(t *testing.T, db, role, password string) string {
	t.Helper()
	if strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") {
		u, err := url.Parse(db)
		if err != nil {
			t.Fatal(err)
		}
		u.User = url.UserPassword(role, password)
		return u.String()
	}
	return db + " user=" + role + " password=" + password
}

// newRoles creates login roles that are dropped after db (created after
// them) is; it returns their names.
func newRoles(t *testing.T, admin *pgx.Conn, password string, names ...string) []string {
	t.Helper()
	var out []string
	suffix := fmt.Sprintf("_%d_%d", time.Now().UnixNano()%1e9, len(names))
	for _, n := range names {
		role := n + suffix
		exec1(t, admin, fmt.Sprintf("CREATE ROLE %s LOGIN PASSWORD '%s'", role, password))
		out = append(out, role)
	}
	t.Cleanup(func() {
		for _, r := range out {
			_, _ = admin.Exec(context.Background(), "DROP ROLE IF EXISTS "+r)
		}
	})
	return out
}

// TestBlockerOfAnotherRole (issue 11, 7): without pg_read_all_stats the
// deploy role sees little of another role's session; the blocker is still
// named with what is visible.
func TestBlockerOfAnotherRole(t *testing.T) {
	fastRetries(t)
	admin := pgtest.Connect(t, pgtest.NewDatabase(t))
	roles := newRoles(t, admin, "pw", "mg_deployer", "mg_app")
	db := pgtest.NewDatabase(t)
	su := pgtest.Connect(t, db)
	exec1(t, su, fmt.Sprintf("GRANT USAGE, CREATE ON SCHEMA public TO %s; GRANT USAGE ON SCHEMA public TO %s", roles[0], roles[1]))
	deployer := roleURL(t, db, roles[0], "pw")
	dir := writeDir(t, map[string]string{initName: initSQL})
	mustDeploy(t, testOpts(t, dir, deployer, nil))
	exec1(t, su, fmt.Sprintf(`GRANT SELECT ON "User" TO %s`, roles[1]))
	mustWrite(t, sqlPath(dir, nameName), nameSQL)

	holder, pid := holdLock(t, roleURL(t, db, roles[1], "pw"), `LOCK TABLE "User" IN ACCESS SHARE MODE`)
	defer holder.Close(context.Background())
	o := testOpts(t, dir, deployer, nil)
	o.LockTimeout, o.Retries = 300*time.Millisecond, 0
	_, err := Deploy(context.Background(), o)
	var me *MigrationError
	if !errors.As(err, &me) || me.Code != "55P03" {
		t.Fatalf("deploy: %v, want a *MigrationError with 55P03", err)
	}
	wantContains(t, "BlockedBy", me.BlockedBy, fmt.Sprintf("pid %d (user %s", pid, roles[1]), holderApp, "pg_read_all_stats")
}

// TestCreatesMissingDatabase (issue 11, 7): as `prisma migrate deploy`
// does, a deploy to a database that does not exist creates it, and says so.
func TestCreatesMissingDatabase(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDatabase(t)
	conn := pgtest.Connect(t, db)
	name := fmt.Sprintf("mg_created_%d", time.Now().UnixNano()%1e9)
	t.Cleanup(func() { _, _ = conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })
	missing := strings.Replace(db, "/"+conn.Config().Database, "/"+name, 1)
	if !strings.HasPrefix(db, "postgres") {
		missing = db + " dbname=" + name
	}
	dir := writeDir(t, map[string]string{initName: initSQL})
	var out syncBuffer
	o := testOpts(t, dir, missing, nil)
	o.Out = io.MultiWriter(&out, o.Out)
	if sum := mustDeploy(t, o); len(sum.Applied) != 1 {
		t.Fatalf("applied %v", appliedNames(sum))
	}
	wantContains(t, "output", out.String(), fmt.Sprintf("created database %q", name))
	if !exists(t, pgtest.Connect(t, missing), `"User"`) {
		t.Error(`"User" is not in the created database`)
	}
}

// TestPrismaURLParameters (issue 11, 7): the parameters Prisma's URL parser
// reads and drops, and unknown ones, do not reach the server.
func TestPrismaURLParameters(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDatabase(t)
	if !strings.HasPrefix(db, "postgres") {
		t.Skip("SKIPPED: the test database is a key=value string; URL parameters need a URL")
	}
	sep := "?"
	if strings.Contains(db, "?") {
		sep = "&"
	}
	withParams := db + sep + "max_connection_lifetime=60&max_idle_connection_lifetime=10&connection_limit=1&pool_timeout=5&made_up_param=1"
	dir := writeDir(t, map[string]string{initName: initSQL})
	var out syncBuffer
	o := testOpts(t, dir, withParams, nil)
	o.Out = io.MultiWriter(&out, o.Out)
	mustDeploy(t, o)
	wantContains(t, "output", out.String(), `warning: database URL parameter "made_up_param" is unknown`)
	if strings.Contains(out.String(), "max_connection_lifetime") {
		t.Errorf("a parameter Prisma knows was warned about:\n%s", out.String())
	}
}

// TestHistoryPermission (issue 11, 7): a deploy role that may read but not
// write _prisma_migrations gets an error naming the table and the privilege,
// not one blamed on the migration's first line.
func TestHistoryPermission(t *testing.T) {
	t.Parallel()
	admin := pgtest.Connect(t, pgtest.NewDatabase(t))
	roles := newRoles(t, admin, "pw", "mg_reader")
	db := pgtest.NewDatabase(t)
	su := pgtest.Connect(t, db)
	dir := writeDir(t, map[string]string{initName: initSQL})
	mustDeploy(t, testOpts(t, dir, db, nil))
	exec1(t, su, fmt.Sprintf("GRANT USAGE, CREATE ON SCHEMA public TO %s; GRANT SELECT ON _prisma_migrations TO %s", roles[0], roles[0]))
	const name = "20240102000000_tag"
	mustWrite(t, sqlPath(dir, name), "-- CreateTable\nCREATE TABLE \"Tag\" (\"id\" INTEGER);\n")

	_, err := Deploy(context.Background(), testOpts(t, dir, roleURL(t, db, roles[0], "pw"), nil))
	var he *HistoryError
	if !errors.As(err, &he) {
		t.Fatalf("deploy: %v, want a *HistoryError", err)
	}
	wantContains(t, "error", err.Error(), "recording the start of "+name+" in _prisma_migrations", "permission denied for table _prisma_migrations", "needs INSERT")
	if strings.Contains(err.Error(), "migration.sql:") {
		t.Errorf("the error blames the migration file: %v", err)
	}
	if exists(t, su, `"Tag"`) {
		t.Error("the migration ran although its start could not be recorded")
	}
}

// TestMigrationPermissionNamesPrivilege: a statement the role may not run
// gets the privilege it needs as a hint.
func TestMigrationPermissionNamesPrivilege(t *testing.T) {
	t.Parallel()
	admin := pgtest.Connect(t, pgtest.NewDatabase(t))
	roles := newRoles(t, admin, "pw", "mg_stranger")
	db := pgtest.NewDatabase(t)
	su := pgtest.Connect(t, db)
	dir := writeDir(t, map[string]string{initName: initSQL})
	mustDeploy(t, testOpts(t, dir, db, nil))
	exec1(t, su, fmt.Sprintf("GRANT USAGE, CREATE ON SCHEMA public TO %s; GRANT SELECT, INSERT, UPDATE, DELETE ON _prisma_migrations TO %s", roles[0], roles[0]))
	mustWrite(t, sqlPath(dir, nameName), nameSQL)
	_, err := Deploy(context.Background(), testOpts(t, dir, roleURL(t, db, roles[0], "pw"), nil))
	var me *MigrationError
	if !errors.As(err, &me) || me.Code != "42501" {
		t.Fatalf("deploy: %v, want a *MigrationError with 42501", err)
	}
	wantContains(t, "error", me.Error(), `must be owner of table User`, "needs ownership", nameName)
}
