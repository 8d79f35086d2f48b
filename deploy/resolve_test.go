package deploy

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
)

// TestResolveRefusals checks the preconditions of resolve that Prisma
// reports as P3017, P3008, P3011 and P3012.
func TestResolveRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.NewDatabase(t)
	conn := pgtest.Connect(t, db)
	dir := writeDir(t, map[string]string{initName: initSQL})
	o := testOpts(t, dir, db, nil)
	mustDeploy(t, o)
	mustWrite(t, sqlPath(dir, postName), postSQL) // on disk, never deployed

	for _, c := range []struct {
		name    string
		applied bool
		want    string
	}{
		{"20991231000000_nowhere", true, "P3017"},
		{initName, true, "P3008"},
		{postName, false, "P3011"},
		{"20991231000000_nowhere", false, "P3011"},
		{initName, false, "P3012"},
	} {
		err := Resolve(ctx, o, c.name, c.applied)
		if err == nil {
			t.Errorf("resolve %s (applied %v): no error, want %s", c.name, c.applied, c.want)
			continue
		}
		wantContains(t, "resolve error", err.Error(), c.want, c.name)
	}
	rows := historyOf(t, conn, "public")
	if len(rows) != 1 || !rows[0].Applied() || rows[0].RolledBackAt != nil {
		t.Errorf("refused resolves changed the history: %+v", rows)
	}
}

// TestBaseline brings an existing database under migration: deploy refuses
// a non-empty schema without history (P3005), resolve --applied records the
// migrations it already contains, and deploy then applies only the rest.
func TestBaseline(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.NewDatabase(t)
	conn := pgtest.Connect(t, db)
	if _, err := conn.Exec(ctx, initSQL); err != nil { // the database predates the history
		t.Fatal(err)
	}
	dir := writeDir(t, map[string]string{initName: initSQL, postName: postSQL})
	o := testOpts(t, dir, db, nil)

	_, err := Deploy(ctx, o)
	if err == nil {
		t.Fatal("deploy onto a non-empty schema without history went ahead")
	}
	wantContains(t, "refusal", err.Error(), "P3005", "resolve --applied")
	if re := (*RefusedError)(nil); !errors.As(err, &re) || re.Code != "P3005" {
		t.Errorf("the refusal %#v is not a RefusedError with Code P3005", err)
	}
	if out, code := run(t, mgCommand(t, db, "deploy", dir)); code != 1 || !strings.Contains(out, "P3005") {
		t.Errorf("the CLI exited %d, want 1 with P3005:\n%s", code, out)
	}
	if exists(t, conn, historyTable) || exists(t, conn, `"Post"`) {
		t.Fatal("the refused deploy changed the database")
	}

	if err := Resolve(ctx, o, initName, true); err != nil {
		t.Fatalf("resolve --applied: %v", err)
	}
	rows := historyOf(t, conn, "public")
	if len(rows) != 1 {
		t.Fatalf("%d rows after resolve --applied, want 1", len(rows))
	}
	r := rows[0]
	switch {
	case r.Name != initName || r.Checksum != sha([]byte(initSQL)) || !uuidV4.MatchString(r.ID):
		t.Errorf("row %s %s %s", r.ID, r.Name, r.Checksum)
	case r.Logs == nil || *r.Logs != "":
		t.Errorf("logs %v, want '' (not NULL)", r.Logs)
	case r.FinishedAt == nil || !r.FinishedAt.Equal(r.StartedAt):
		t.Errorf("started_at %s, finished_at %v; want equal", r.StartedAt, r.FinishedAt)
	case r.AppliedSteps != 0 || r.RolledBackAt != nil:
		t.Errorf("applied_steps_count %d, rolled_back_at %v; want 0, NULL", r.AppliedSteps, r.RolledBackAt)
	}

	sum := mustDeploy(t, o)
	if !slices.Equal(appliedNames(sum), []string{postName}) || sum.Skipped != 1 {
		t.Errorf("deploy after baselining applied %v, skipped %d; want [%s], 1", appliedNames(sum), sum.Skipped, postName)
	}
}

// TestResolveAppliedAfterFailure finishes a failed migration by hand:
// resolve --applied rolls the failed row back and records a new one.
func TestResolveAppliedAfterFailure(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.NewDatabase(t)
	conn := pgtest.Connect(t, db)
	const bad = `ALTER TABLE "User" ADD COLUMN "age" INTEGER NOT NULL DEFAULT 'x';`
	dir := writeDir(t, map[string]string{initName: initSQL, nameName: bad})
	o := testOpts(t, dir, db, nil)
	if _, err := Deploy(ctx, o); err == nil {
		t.Fatal("the bad migration applied")
	}
	if err := Resolve(ctx, o, nameName, true); err != nil {
		t.Fatal(err)
	}
	rows := rowsNamed(historyOf(t, conn, "public"), nameName)
	if len(rows) != 2 || rows[0].RolledBackAt == nil || !rows[1].Applied() {
		t.Fatalf("rows %+v %+v, want the failed row rolled back and an applied one", rows[0], rows[len(rows)-1])
	}
	if st := mustStatus(t, o); states(st) != "applied applied" {
		t.Errorf("status %s", states(st))
	}
	sum := mustDeploy(t, o)
	if len(sum.Applied) != 0 {
		t.Errorf("deploy applied %v after resolve --applied", appliedNames(sum))
	}
}
