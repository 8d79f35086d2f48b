package drift

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
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
