package drift

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
	"github.com/migrate-guard/migrate-guard/lint"
)

// TestMissingFromDisk: an applied migration gone from disk is named, and
// what it created shows as extra, since the expected schema lacks it.
func TestMissingFromDisk(t *testing.T) {
	shadow := pgtest.NewDatabase(t)
	dir := copyDir(t, "testdata/base")
	db := pgtest.NewDatabase(t)
	mustDeploy(t, dir, db)
	if err := os.RemoveAll(filepath.Join(dir, "20240102000000_extras")); err != nil {
		t.Fatal(err)
	}
	rep := mustCheck(t, dir, db, shadow, false)
	if strings.Join(rep.MissingFromDisk, ",") != "20240102000000_extras" {
		t.Errorf("missing from disk: %v", rep.MissingFromDisk)
	}
	want := []string{"extra function public.touch()", "extra sequence public.invoice_seq", "extra table public.Audit",
		"extra trigger public.User.User_touch", "extra view public.PublishedPost"}
	if got := lines(rep.Drift); !sameLines(got, want) {
		t.Errorf("drift:\n%s", strings.Join(got, "\n"))
	}
	var out bytes.Buffer
	rep.WriteText(&out)
	if !strings.Contains(out.String(), "migration 20240102000000_extras is applied but missing from disk") {
		t.Errorf("text does not say so:\n%s", out.String())
	}
}

// TestSchemaParam: Prisma's ?schema= decides where the history and the
// objects are, on both sides.
func TestSchemaParam(t *testing.T) {
	shadow := pgtest.NewDatabase(t)
	dir := copyDir(t, "testdata/base")
	plain := pgtest.NewDatabase(t)
	if !strings.Contains(plain, "?") {
		t.Skip("needs a URL-form test database")
	}
	db := plain + "&schema=app"
	mustDeploy(t, dir, db)
	conn := pgtest.Connect(t, plain)
	if _, err := conn.Exec(context.Background(), `CREATE INDEX "Post_title_idx" ON app."Post" ("title"); CREATE TABLE public.unrelated (id int)`); err != nil {
		t.Fatal(err)
	}
	rep := mustCheck(t, dir, db, shadow, false)
	if got := lines(rep.Drift); !sameLines(got, []string{"extra index app.Post_title_idx"}) {
		t.Errorf("drift:\n%s", strings.Join(got, "\n"))
	}
	if strings.Join(rep.Schemas, ",") != "app" {
		t.Errorf("schemas compared: %v", rep.Schemas)
	}
}

// TestExclude: an ignored table is not compared, with all it holds.
func TestExclude(t *testing.T) {
	shadow := pgtest.NewDatabase(t)
	dir := copyDir(t, "testdata/base")
	db := pgtest.NewDatabase(t)
	mustDeploy(t, dir, db)
	conn := pgtest.Connect(t, db)
	if _, err := conn.Exec(context.Background(), `CREATE TABLE "scratch" (id int); ALTER TABLE "Tag" ADD COLUMN "x" int; CREATE INDEX ON "Tag" ("x")`); err != nil {
		t.Fatal(err)
	}
	rep, err := Check(context.Background(), &Options{Dir: dir, DatabaseURL: db, ShadowURL: shadow,
		Exclude: map[string]bool{"public.scratch": true, "public.Tag": true}})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Clean() {
		t.Errorf("drift:\n%s", strings.Join(lines(rep.Drift), "\n"))
	}
}

// TestWriteRefusesPending: the reconciling migration goes after the whole
// history, so migrations not yet applied must be deployed first.
func TestWriteRefusesPending(t *testing.T) {
	shadow := pgtest.NewDatabase(t)
	dir := copyDir(t, "testdata/base")
	db := pgtest.NewDatabase(t)
	mustDeploy(t, dir, db)
	if _, err := pgtest.Connect(t, db).Exec(context.Background(), `CREATE INDEX "Post_title_idx" ON "Post" ("title")`); err != nil {
		t.Fatal(err)
	}
	next := filepath.Join(dir, "20240103000000_next", "migration.sql")
	if err := os.MkdirAll(filepath.Dir(next), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(next, []byte(`ALTER TABLE "Tag" ADD COLUMN "color" TEXT;`), 0o644); err != nil {
		t.Fatal(err)
	}
	rep := mustCheck(t, dir, db, shadow, false)
	if got := lines(rep.Drift); !sameLines(got, []string{"extra index public.Post_title_idx"}) {
		t.Fatalf("drift:\n%s", strings.Join(got, "\n"))
	}
	_, err := WriteMigrations(rep, dir, "fix", time.Now(), lint.DefaultConfig())
	if err == nil || !strings.Contains(err.Error(), "20240103000000_next") {
		t.Errorf("err = %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 4 {
		t.Errorf("something was written: %d entries", len(entries))
	}
}
