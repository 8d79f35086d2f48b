package deploy

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
)

const (
	initName = "20240101000000_init"
	initSQL  = `-- CreateEnum
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'USER',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
`
	postName = "20240102000000_add_post"
	postSQL  = `-- CreateTable
CREATE TABLE "public"."Post" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "authorId" TEXT NOT NULL,

    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);

-- AddForeignKey
ALTER TABLE "public"."Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "public"."User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
`
	nameName = "20240103000000_add_user_name"
	nameSQL  = `-- AlterTable
ALTER TABLE "public"."User" ADD COLUMN "name" TEXT;
`
)

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestRoundTrip deploys a small Prisma history and checks every column of
// the rows against what Prisma writes, then the warnings and states of
// applied migrations changed on disk.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.NewDatabase(t)
	conn := pgtest.Connect(t, db)
	dir := writeDir(t, map[string]string{initName: initSQL, postName: postSQL, nameName: nameSQL})
	var warns []warning
	o := testOpts(t, dir, db, &warns)

	o.DryRun = true
	sum := mustDeploy(t, o)
	if want := []string{initName, postName, nameName}; !slices.Equal(sum.Pending, want) {
		t.Errorf("dry run: pending %v, want %v", sum.Pending, want)
	}
	if exists(t, conn, historyTable) {
		t.Error("dry run created the history table")
	}
	rep, err := Status(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if states(rep) != "pending pending pending" || rep.Clean() {
		t.Errorf("status before deploy: %s (clean %v)", states(rep), rep.Clean())
	}
	if exists(t, conn, historyTable) {
		t.Error("status created the history table")
	}
	o.DryRun = false

	sum = mustDeploy(t, o)
	if want := []string{initName, postName, nameName}; !slices.Equal(appliedNames(sum), want) {
		t.Fatalf("applied %v, want %v", appliedNames(sum), want)
	}
	if !columnExists(t, conn, `"User"`, "name") || !exists(t, conn, `"Post"`) {
		t.Fatal("the migrations' objects are missing")
	}
	rows := historyOf(t, conn, "public")
	if len(rows) != 3 {
		t.Fatalf("%d history rows, want 3", len(rows))
	}
	for i, r := range rows {
		data, err := os.ReadFile(sqlPath(dir, r.Name))
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{initName, postName, nameName}[i]; r.Name != want {
			t.Errorf("row %d is %s, want %s (rows ordered by started_at)", i, r.Name, want)
		}
		if !uuidV4.MatchString(r.ID) {
			t.Errorf("%s: id %q is not a UUID v4", r.Name, r.ID)
		}
		if r.Checksum != sha(data) {
			t.Errorf("%s: checksum %s, want sha256 %s", r.Name, r.Checksum, sha(data))
		}
		if sum, ok := sha256sum(t, sqlPath(dir, r.Name)); ok && r.Checksum != sum {
			t.Errorf("%s: checksum %s, sha256sum says %s", r.Name, r.Checksum, sum)
		}
		switch {
		case r.FinishedAt == nil:
			t.Errorf("%s: finished_at NULL", r.Name)
		case r.StartedAt.After(*r.FinishedAt):
			t.Errorf("%s: started_at %s after finished_at %s", r.Name, r.StartedAt, r.FinishedAt)
		}
		if r.Logs != nil {
			t.Errorf("%s: logs %q, want NULL", r.Name, *r.Logs)
		}
		if r.RolledBackAt != nil || r.AppliedSteps != 1 {
			t.Errorf("%s: rolled_back_at %v, applied_steps_count %d; want NULL, 1", r.Name, r.RolledBackAt, r.AppliedSteps)
		}
	}

	sum = mustDeploy(t, o)
	if len(sum.Applied) != 0 || sum.Skipped != 3 {
		t.Errorf("second deploy applied %v, skipped %d; want nothing, 3", appliedNames(sum), sum.Skipped)
	}
	if n := len(historyOf(t, conn, "public")); n != 3 {
		t.Errorf("second deploy left %d rows, want 3", n)
	}

	// Line endings alone are not a modification.
	mustWrite(t, sqlPath(dir, initName), strings.ReplaceAll(initSQL, "\n", "\r\n"))
	mustDeploy(t, o)
	if rep := mustStatus(t, o); states(rep) != "applied applied applied" {
		t.Errorf("after CRLF: status %s", states(rep))
	}
	if len(warns) != 0 {
		t.Errorf("after CRLF: warnings %v", warns)
	}

	// An edit is.
	mustWrite(t, sqlPath(dir, postName), postSQL+"\n-- CreateIndex\nCREATE INDEX \"Post_title_idx\" ON \"public\".\"Post\"(\"title\");\n")
	sum = mustDeploy(t, o)
	if len(sum.Applied) != 0 {
		t.Errorf("an edited applied migration was applied again: %v", appliedNames(sum))
	}
	if len(warns) != 1 || warns[0].path != sqlPath(dir, postName) {
		t.Fatalf("after an edit: warnings %v, want one for %s", warns, postName)
	}
	wantContains(t, "warning", warns[0].msg, postName, "modified")
	if rep := mustStatus(t, o); states(rep) != "applied modified applied" || !rep.Clean() {
		t.Errorf("after an edit: status %s (clean %v)", states(rep), rep.Clean())
	}

	// Deleting an applied folder.
	mustWrite(t, sqlPath(dir, postName), postSQL)
	if err := os.RemoveAll(strings.TrimSuffix(sqlPath(dir, nameName), "/migration.sql")); err != nil {
		t.Fatal(err)
	}
	warns = nil
	mustDeploy(t, o)
	if len(warns) != 1 {
		t.Fatalf("after deleting a folder: warnings %v, want one", warns)
	}
	wantContains(t, "warning", warns[0].msg, nameName, "missing")
	rep = mustStatus(t, o)
	if states(rep) != "applied applied missing" || rep.Migrations[2].Name != nameName {
		t.Errorf("after deleting a folder: status %+v", rep.Migrations)
	}
}

func mustStatus(t *testing.T, o *Options) *StatusReport {
	t.Helper()
	rep, err := Status(context.Background(), o)
	if err != nil {
		t.Fatalf("status: %v", err)
	}
	return rep
}

// states lists a status report's states, space separated.
func states(rep *StatusReport) string {
	var s []string
	for _, m := range rep.Migrations {
		s = append(s, m.State)
	}
	return strings.Join(s, " ")
}

// sha256sum runs the sha256sum tool when it is installed.
func sha256sum(t *testing.T, path string) (string, bool) {
	if _, err := exec.LookPath("sha256sum"); err != nil {
		return "", false
	}
	out, err := exec.Command("sha256sum", path).Output()
	if err != nil {
		t.Fatalf("sha256sum: %v", err)
	}
	return strings.Fields(string(out))[0], true
}
