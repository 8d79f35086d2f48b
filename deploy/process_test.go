package deploy

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
)

// mgCommand is the migrate-guard binary deploying dir to db.
func mgCommand(t *testing.T, db string, args ...string) *exec.Cmd {
	cmd := exec.Command(mgBinary(t), args...)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+db)
	return cmd
}

var summaryLine = regexp.MustCompile(`: applied (\d+), already applied (\d+), took`)

// TestConcurrentDeploys starts eight deploys of langfuse's history (434
// migrations, 98 of them CREATE INDEX CONCURRENTLY) at once on one empty
// database. One deploy of the whole history takes about 2 s here, so the
// whole history is used. A deployer blocked in pg_advisory_lock would hold
// a snapshot that the lock holder's CREATE INDEX CONCURRENTLY waits for:
// "deadlock detected" and failed migrations, as eight Prisma deploys do.
func TestConcurrentDeploys(t *testing.T) {
	dir := corpus(t, "langfuse__langfuse")
	local, err := loadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	db := pgtest.NewDatabase(t)
	conn := pgtest.Connect(t, db)

	const n = 8
	outs, codes := make([]string, n), make([]int, n)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], codes[i] = run(t, mgCommand(t, db, "deploy", "--lock-wait", "3m", dir))
		}()
	}
	wg.Wait()
	t.Logf("%d concurrent deploys of %d migrations took %s", n, len(local), time.Since(start).Round(time.Millisecond))

	applied := 0
	for i, out := range outs {
		if codes[i] != 0 || strings.Contains(strings.ToLower(out), "deadlock") {
			t.Errorf("deploy %d exited %d:\n%s", i, codes[i], tail(out, 20))
			continue
		}
		m := summaryLine.FindStringSubmatch(out)
		if m == nil {
			t.Errorf("deploy %d printed no summary:\n%s", i, tail(out, 20))
			continue
		}
		a, _ := strconv.Atoi(m[1])
		skipped, _ := strconv.Atoi(m[2])
		if a+skipped != len(local) {
			t.Errorf("deploy %d: applied %d + already applied %d != %d migrations", i, a, skipped, len(local))
		}
		applied += a
	}
	if applied != len(local) {
		t.Errorf("the deploys applied %d migrations in all, want %d", applied, len(local))
	}

	rows := historyOf(t, conn, "public")
	byName := map[string][]*Row{}
	for _, r := range rows {
		byName[r.Name] = append(byName[r.Name], r)
	}
	for _, m := range local {
		rs := byName[m.Name]
		if len(rs) != 1 || !rs[0].Applied() {
			t.Errorf("%s: %d rows, want exactly one finished row", m.Name, len(rs))
		}
	}
	for _, r := range rows {
		if r.Failed() {
			t.Errorf("failed row %s: %v", r.Name, r.Logs)
		}
	}
	if len(rows) != len(local) {
		t.Errorf("%d history rows, want %d", len(rows), len(local))
	}
}

func tail(s string, lines int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(l) > lines {
		l = l[len(l)-lines:]
	}
	return strings.Join(l, "\n")
}

// TestKilledDeploy kills a deploy (SIGKILL) while a migration sleeps.
func TestKilledDeploy(t *testing.T) {
	const name = "20240102000000_slow"
	t.Run("transaction", func(t *testing.T) {
		t.Parallel()
		sql := "-- CreateTable\nCREATE TABLE \"Killed\" (\"id\" SERIAL NOT NULL);\n\nSELECT pg_sleep(30);\n"
		db := pgtest.NewDatabase(t)
		conn := pgtest.Connect(t, db)
		dir := writeDir(t, map[string]string{initName: initSQL, name: sql})
		killDuringSleep(t, conn, mgCommand(t, db, "deploy", dir))

		if exists(t, conn, `"Killed"`) {
			t.Error(`table "Killed" of the killed transactional migration survived`)
		}
		if rows := rowsNamed(historyOf(t, conn, "public"), name); len(rows) != 0 {
			t.Errorf("rows %+v for the killed transactional migration, want none", rows)
		}
		mustWrite(t, sqlPath(dir, name), strings.Replace(sql, "pg_sleep(30)", "1", 1))
		sum := mustDeploy(t, testOpts(t, dir, db, nil))
		if len(sum.Applied) != 1 || sum.Applied[0].Name != name || !exists(t, conn, `"Killed"`) {
			t.Fatalf("deploy after the kill applied %v", appliedNames(sum))
		}
		if rows := rowsNamed(historyOf(t, conn, "public"), name); len(rows) != 1 || !rows[0].Applied() {
			t.Errorf("rows %+v, want one applied row", rows)
		}
		if st := mustStatus(t, testOpts(t, dir, db, nil)); !st.Clean() {
			t.Errorf("status %s", states(st))
		}
	})
	t.Run("statements", func(t *testing.T) {
		t.Parallel()
		sql := "-- CreateTable\nCREATE TABLE \"Half\" (\"id\" SERIAL NOT NULL, \"email\" TEXT);\n\nSELECT pg_sleep(30);\n\n-- CreateIndex\nCREATE INDEX CONCURRENTLY \"Half_email_idx\" ON \"Half\"(\"email\");\n"
		db := pgtest.NewDatabase(t)
		conn := pgtest.Connect(t, db)
		dir := writeDir(t, map[string]string{initName: initSQL, name: sql})
		killDuringSleep(t, conn, mgCommand(t, db, "deploy", dir))

		// Statement by statement is not atomic: the first statement stays,
		// and the row says so.
		if !exists(t, conn, `"Half"`) || exists(t, conn, `"Half_email_idx"`) {
			t.Error(`want "Half" created and its index not`)
		}
		rows := rowsNamed(historyOf(t, conn, "public"), name)
		if len(rows) != 1 || !rows[0].Failed() || rows[0].Logs == nil || *rows[0].Logs != progressLogs(1, 3) {
			t.Fatalf("rows %+v, want one unfinished row with the progress 1 of 3", rows)
		}
		st := mustStatus(t, testOpts(t, dir, db, nil))
		if states(st) != "applied failed" || !strings.Contains(st.Migrations[1].Progress, "resumes at statement 2") {
			t.Errorf("status %s %+v", states(st), st.Migrations[1])
		}
		// A changed file cannot be resumed: which statements ran is unknown.
		mustWrite(t, sqlPath(dir, name), strings.Replace(sql, "pg_sleep(30)", "1", 1))
		out, code := run(t, mgCommand(t, db, "deploy", dir))
		if code != 1 {
			t.Errorf("deploy of the changed file after the kill exited %d, want 1", code)
		}
		wantContains(t, "deploy output", out, "P3009", name, "cannot be resumed", "checksum differs", "resolve --rolled-back "+name)
	})
}

// killDuringSleep starts cmd, waits until its migration runs pg_sleep,
// kills the process with SIGKILL, then terminates the orphaned backend: the
// server would only notice the dead client when the sleep ends.
func killDuringSleep(t *testing.T, conn *pgx.Conn, cmd *exec.Cmd) {
	t.Helper()
	ctx := context.Background()
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	const sleeping = `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
		AND state = 'active' AND query LIKE '%pg_sleep(30)%'`
	var pid int
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		err := conn.QueryRow(ctx, sleeping).Scan(&pid)
		if err == nil {
			break
		}
		if err != pgx.ErrNoRows {
			t.Fatal(err)
		}
		select {
		case <-exited:
			t.Fatalf("deploy exited before its migration slept:\n%s", out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the migration never reached pg_sleep:\n%s", out.String())
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-exited
	if _, err := conn.Exec(ctx, "SELECT pg_terminate_backend($1)", pid); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		var alive bool
		if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE pid = $1)", pid).Scan(&alive); err != nil {
			t.Fatal(err)
		}
		if !alive {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("backend %d still alive 10 s after pg_terminate_backend", pid)
		}
	}
}
