package drift_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/cli"
	"github.com/migrate-guard/migrate-guard/internal/pgtest"
)

// run calls the command line with buffers.
func run(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = cli.Main(args, &o, &e)
	return code, o.String(), e.String()
}

// project copies testdata/base and deploys it to a new database.
func project(t *testing.T) (dir, db string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "migrations")
	if err := os.CopyFS(dir, os.DirFS("testdata/base")); err != nil {
		t.Fatal(err)
	}
	db = pgtest.NewDatabase(t)
	if code, out, errOut := run("deploy", "--database-url", db, dir); code != 0 {
		t.Fatalf("deploy: exit %d\n%s%s", code, out, errOut)
	}
	return dir, db
}

func exec(t *testing.T, db, sql string) {
	t.Helper()
	if _, err := pgtest.Connect(t, db).Exec(context.Background(), sql); err != nil {
		t.Fatal(err)
	}
}

// leftShadows lists this process's shadow databases still on the server.
func leftShadows(t *testing.T, server string) []string {
	t.Helper()
	rows, err := pgtest.Connect(t, server).Query(context.Background(),
		"SELECT datname FROM pg_database WHERE starts_with(datname, $1)", fmt.Sprintf("migrate_guard_shadow_%d_", os.Getpid()))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		_ = rows.Scan(&n)
		names = append(names, n)
	}
	return names
}

func TestCommand(t *testing.T) {
	shadow := pgtest.NewDatabase(t)
	dir, db := project(t)
	args := func(extra ...string) []string {
		return append([]string{"drift", "--database-url", db, "--shadow-url", shadow}, extra...)
	}

	code, out, errOut := run(args(dir)...)
	if code != 0 || !strings.Contains(out, "no drift from the 2 applied migrations") {
		t.Fatalf("clean: exit %d\n%s%s", code, out, errOut)
	}

	exec(t, db, `CREATE INDEX "Post_title_idx" ON "Post" ("title")`)
	code, out, errOut = run(args("--format", "json", dir)...)
	if code != 1 {
		t.Fatalf("drift: exit %d\n%s%s", code, out, errOut)
	}
	var rep struct {
		Version int `json:"version"`
		Drift   []struct{ Kind, Object, Change, Database, History string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if rep.Version != 1 || len(rep.Drift) != 1 || rep.Drift[0].Kind != "index" || rep.Drift[0].Object != "public.Post_title_idx" ||
		rep.Drift[0].Change != "extra" || !strings.HasPrefix(rep.Drift[0].Database, "CREATE INDEX") || rep.Drift[0].History != "" {
		t.Errorf("json: %+v", rep)
	}

	code, out, _ = run(args("--format", "markdown", dir)...)
	if code != 1 || !strings.Contains(out, "| extra | index | `public.Post_title_idx` |") {
		t.Errorf("markdown: exit %d\n%s", code, out)
	}

	code, out, errOut = run(args("--write-migration", "title_index", dir)...)
	if code != 1 || !strings.Contains(errOut, "migrate-guard resolve --applied ") || !strings.Contains(errOut, "_title_index_index_post_title_idx "+dir) {
		t.Fatalf("write: exit %d\n%s%s", code, out, errOut)
	}
	written, _ := filepath.Glob(filepath.Join(dir, "*_title_index_index_post_title_idx", "migration.sql"))
	if len(written) != 1 {
		t.Fatalf("written: %v", written)
	}
	name := filepath.Base(filepath.Dir(written[0]))
	if code, out, errOut := run("lint", "--fail-on", "error", dir); code != 0 {
		t.Errorf("the written migration does not lint: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := run("resolve", "--database-url", db, "--applied", name, dir); code != 0 {
		t.Fatalf("resolve: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := run(args(dir)...); code != 0 {
		t.Errorf("after resolve: exit %d\n%s%s", code, out, errOut)
	}

	// migrate-guard.toml's [drift]: an ignored table, comments compared.
	exec(t, db, `CREATE TABLE "scratch" (id int); COMMENT ON TABLE "User" IS 'people'`)
	cfg := filepath.Join(t.TempDir(), "migrate-guard.toml")
	if err := os.WriteFile(cfg, []byte("[drift]\ncomments = true\nignore = [\"public.scratch\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = run(args("--config", cfg, dir)...)
	if code != 1 || !strings.Contains(out, "1 difference") || !strings.Contains(out, "extra    comment table public.User") {
		t.Errorf("[drift] config: exit %d\n%s%s", code, out, errOut)
	}
	if left := leftShadows(t, shadow); len(left) > 0 {
		t.Errorf("shadow databases left behind: %v", left)
	}
}

// TestCannotTell: no connection is exit 2, and no password is printed.
func TestCannotTell(t *testing.T) {
	shadow := pgtest.NewDatabase(t)
	dir, db := project(t)
	const pw = "s3cret-Pa55"
	cases := map[string][]string{
		"database unreachable": {"drift", "--database-url", "postgres://app:" + pw + "@127.0.0.1:1/app", "--shadow-url", shadow, dir},
		"shadow unreachable":   {"drift", "--database-url", db, "--shadow-url", "postgres://app:" + pw + "@127.0.0.1:1/shadow", dir},
		"deploy shadow unreachable": {"deploy", "--check-drift", "--database-url", db,
			"--shadow-url", "postgres://app:" + pw + "@127.0.0.1:1/shadow", dir},
	}
	for name, a := range cases {
		code, out, errOut := run(a...)
		if code != 2 || !strings.Contains(errOut, "migrate-guard:") {
			t.Errorf("%s: exit %d\n%s%s", name, code, out, errOut)
		}
		if strings.Contains(out+errOut, pw) {
			t.Errorf("%s: the password was printed:\n%s%s", name, out, errOut)
		}
	}
}

// TestShadowDroppedOnFailure: a history that no longer replays is exit 2,
// and its shadow database is gone.
func TestShadowDroppedOnFailure(t *testing.T) {
	shadow := pgtest.NewDatabase(t)
	dir, db := project(t)
	if err := os.WriteFile(filepath.Join(dir, "20240102000000_extras", "migration.sql"), []byte("CREATE TABLE broken (;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run("drift", "--database-url", db, "--shadow-url", shadow, dir)
	if code != 2 || !strings.Contains(errOut, "cannot tell") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
	if left := leftShadows(t, shadow); len(left) > 0 {
		t.Errorf("shadow databases left behind: %v", left)
	}
}

func TestDeployCheckDrift(t *testing.T) {
	shadow := pgtest.NewDatabase(t)
	dir, db := project(t)
	next := filepath.Join(dir, "20240103000000_next", "migration.sql")
	if err := os.MkdirAll(filepath.Dir(next), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(next, []byte(`ALTER TABLE "Tag" ADD COLUMN "color" TEXT;`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	applied := func() int {
		var n int
		if err := pgtest.Connect(t, db).QueryRow(context.Background(), `SELECT count(*) FROM _prisma_migrations WHERE migration_name = '20240103000000_next'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	deploy := func(extra ...string) (int, string) {
		code, out, errOut := run(append([]string{"deploy", "--check-drift", "--database-url", db, "--shadow-url", shadow}, append(extra, dir)...)...)
		return code, out + errOut
	}

	exec(t, db, `ALTER TABLE "User" ADD COLUMN "bio" TEXT`)
	code, out := deploy()
	if code != 1 || !strings.Contains(out, "extra    column public.User.bio") || !strings.Contains(out, "nothing was applied") || applied() != 0 {
		t.Fatalf("on drift: exit %d, applied %d\n%s", code, applied(), out)
	}
	code, out = deploy("--allow-drift")
	if code != 0 || !strings.Contains(out, "deploying over the drift") || applied() != 1 {
		t.Fatalf("--allow-drift: exit %d, applied %d\n%s", code, applied(), out)
	}

	exec(t, db, `ALTER TABLE "User" DROP COLUMN "bio"`)
	more := filepath.Join(dir, "20240104000000_more", "migration.sql")
	if err := os.MkdirAll(filepath.Dir(more), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(more, []byte(`ALTER TABLE "Tag" ADD COLUMN "weight" INTEGER;`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out = deploy()
	if code != 0 || !strings.Contains(out, "no drift from the 3 applied migrations") || !strings.Contains(out, "applied 20240104000000_more") {
		t.Errorf("clean: exit %d\n%s", code, out)
	}
	if left := leftShadows(t, shadow); len(left) > 0 {
		t.Errorf("shadow databases left behind: %v", left)
	}
}
