package rules_test

import (
	"strings"
	"testing"
)

// wantMessage checks that rule reports sql once, with a message holding
// each of want.
func wantMessage(t *testing.T, history []string, sql, rule string, want ...string) {
	t.Helper()
	f := findingOf(t, history, sql, rule)
	for _, w := range want {
		if !strings.Contains(f.Message, w) {
			t.Errorf("message lacks %q:\n%s", w, f.Message)
		}
	}
}

// TestHeldLockMessages checks that a lock rule describes the lock that
// really governs the table: a stronger lock an earlier statement of the
// transaction still holds.
func TestHeldLockMessages(t *testing.T) {
	wantMessage(t, exampleHistory,
		"-- AlterTable\nALTER TABLE \"User\" ADD COLUMN \"handle\" TEXT;\n\n-- CreateIndex\nCREATE UNIQUE INDEX \"User_handle_key\" ON \"User\"(\"handle\");\n",
		"require-concurrent-index",
		`runs for the whole build under the ACCESS EXCLUSIVE lock on "User" that line 2 (ALTER TABLE ... ADD COLUMN) took and holds until commit, which blocks reads and writes on it`)
	wantMessage(t, exampleHistory, "CREATE INDEX \"Post_title_idx\" ON \"Post\"(\"title\");", "require-concurrent-index",
		`under a SHARE lock on "Post", which blocks writes (INSERT/UPDATE/DELETE) on it but not reads`)
	// COMMIT releases the lock.
	wantMessage(t, exampleHistory,
		"BEGIN;\nALTER TABLE \"User\" ADD COLUMN \"handle\" TEXT;\nCOMMIT;\nCREATE UNIQUE INDEX \"User_handle_key\" ON \"User\"(\"handle\");\n",
		"require-concurrent-index", `under a SHARE lock on "User"`)
	wantMessage(t, exampleHistory,
		"ALTER TABLE \"Post\" ADD COLUMN \"editorId\" INTEGER;\nALTER TABLE \"Post\" ADD CONSTRAINT \"Post_editorId_fkey\" FOREIGN KEY (\"editorId\") REFERENCES \"User\"(\"id\");\n",
		"constraint-missing-not-valid",
		`the ACCESS EXCLUSIVE lock on "Post" that line 1 (ALTER TABLE ... ADD COLUMN) took and holds until commit, which blocks reads and writes on it; and a SHARE ROW EXCLUSIVE lock on "User", which blocks writes (INSERT/UPDATE/DELETE) on it but not reads`)
	wantMessage(t, exampleHistory,
		"ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_editorId_fkey\" FOREIGN KEY (\"authorId\") REFERENCES \"User\"(\"id\");\n",
		"constraint-missing-not-valid",
		`SHARE ROW EXCLUSIVE locks on "Post" and "User", which block writes (INSERT/UPDATE/DELETE) on them but not reads`)
	wantMessage(t, exampleHistory, "DROP INDEX \"Post_authorId_idx\", \"User_email_key\";", "require-concurrent-drop-index",
		`ACCESS EXCLUSIVE locks on "Post" and "User", which block reads and writes on them`)
}

// TestManyHeldLocksInOneSentence checks that a statement running under the
// ACCESS EXCLUSIVE locks of many earlier statements names each table once,
// with its line, in one sentence.
func TestManyHeldLocksInOneSentence(t *testing.T) {
	history := append(append([]string(nil), exampleHistory...),
		`CREATE TABLE "Tag" ("id" SERIAL NOT NULL, "name" TEXT);
CREATE TABLE "Invite" ("id" SERIAL NOT NULL, "email" TEXT);`)
	wantMessage(t, history, `-- DropForeignKey
ALTER TABLE "Post" DROP CONSTRAINT "Post_authorId_fkey";
ALTER TABLE "Tag" ADD COLUMN "slug" TEXT;
ALTER TABLE "Invite" ADD COLUMN "note" TEXT;
-- CreateIndex
CREATE INDEX "Post_title_idx" ON "Post"("title");
`, "require-concurrent-index",
		`CREATE INDEX "Post_title_idx" runs for the whole build under the ACCESS EXCLUSIVE locks that earlier statements took on "Post" (line 2), "User" (line 2), "Tag" (line 3) and "Invite" (line 4) and hold until commit, which block reads and writes on all of them`)
}
