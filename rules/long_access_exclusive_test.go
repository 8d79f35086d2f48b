package rules_test

import (
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/lint"
)

func TestLongAccessExclusive(t *testing.T) {
	// An earlier migration added this check NOT VALID.
	checked := append(append([]string(nil), exampleHistory...),
		"ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_views_check\" CHECK (\"views\" >= 0) NOT VALID;")
	runCases(t, "long-access-exclusive", []ruleCase{
		{name: "backfill of another table after ADD COLUMN", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN \"lastPostAt\" TIMESTAMP(3);\n\n-- Backfill\nUPDATE \"Post\" SET \"published\" = true WHERE \"views\" > 100;\n",
			want: []string{"5:1"}},
		// require-concurrent-index names the locked tables (TestSlowStatementsNameHeldLocks).
		{name: "index build on another table after DROP COLUMN", history: exampleHistory,
			sql: "-- AlterTable\nALTER TABLE \"User\" DROP COLUMN \"name\";\n\n-- CreateIndex\nCREATE INDEX \"Post_title_idx\" ON \"Post\"(\"title\");\n"},
		{name: "index build of a redefinition pair", history: exampleHistory,
			sql:  "ALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n-- RedefineIndex\nDROP INDEX \"Post_authorId_idx\";\nCREATE INDEX \"Post_authorId_idx\" ON \"Post\"(\"authorId\", \"published\");\n",
			want: []string{"4:1"}},
		// column-type-rewrite names the locked table (TestSlowStatementsNameHeldLocks).
		{name: "rewrite inside BEGIN ... COMMIT, schema-qualified", history: exampleHistory,
			sql: "BEGIN;\nALTER TABLE \"public\".\"Post\" ADD COLUMN \"slug\" TEXT;\nALTER TABLE \"User\" ALTER COLUMN \"id\" SET DATA TYPE BIGINT;\nCOMMIT;\n"},
		{name: "copy into a new table from a locked one", history: exampleHistory,
			sql:  "CREATE TABLE \"PostArchive\" (\"id\" INTEGER NOT NULL, \"title\" VARCHAR(255) NOT NULL);\nALTER TABLE \"Post\" ADD COLUMN \"archivedAt\" TIMESTAMP(3);\nINSERT INTO \"PostArchive\" SELECT \"id\", \"title\" FROM \"Post\" WHERE \"published\" = false;\n",
			want: []string{"3:1"}},
		{name: "validating an older constraint after ADD COLUMN on its table", history: checked,
			sql:  "ALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nALTER TABLE \"Post\" VALIDATE CONSTRAINT \"Post_views_check\";\n",
			want: []string{"2:1"}},
		{name: "once per transaction, which a BEGIN extends back over the statements before it", history: exampleHistory,
			sql:  "ALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\nUPDATE \"Post\" SET \"published\" = true WHERE \"views\" > 100;\nUPDATE \"Post\" SET \"published\" = false WHERE \"views\" < 10;\nBEGIN;\nALTER TABLE \"User\" ADD COLUMN \"slug\" TEXT;\nUPDATE \"Post\" SET \"content\" = '' WHERE \"content\" IS NULL;\nCOMMIT;\n",
			want: []string{"2:1"}},
		{name: "prisma: nullable column and its foreign key", history: exampleHistory,
			sql: "-- AlterTable\nALTER TABLE \"Post\" ADD COLUMN     \"editorId\" INTEGER;\n\n-- AddForeignKey\nALTER TABLE \"Post\" ADD CONSTRAINT \"Post_editorId_fkey\" FOREIGN KEY (\"editorId\") REFERENCES \"User\"(\"id\") ON DELETE SET NULL ON UPDATE CASCADE;\n"},
		{name: "prisma: the same foreign key NOT VALID", history: exampleHistory,
			sql: "ALTER TABLE \"Post\" ADD COLUMN \"editorId\" INTEGER;\nALTER TABLE \"Post\" ADD CONSTRAINT \"Post_editorId_fkey\" FOREIGN KEY (\"editorId\") REFERENCES \"User\"(\"id\") NOT VALID;\n"},
		{name: "prisma: new column and its index on the same table", history: exampleHistory,
			sql: "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN     \"handle\" TEXT;\n\n-- CreateIndex\nCREATE UNIQUE INDEX \"User_handle_key\" ON \"User\"(\"handle\");\n"},
		{name: "COMMIT releases the lock first", history: exampleHistory,
			sql: "BEGIN;\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\nCOMMIT;\nCREATE INDEX \"Post_title_idx\" ON \"Post\"(\"title\");\n"},
		{name: "locked table is new", history: exampleHistory,
			sql: "CREATE TABLE \"Tag\" (\"id\" SERIAL NOT NULL);\nALTER TABLE \"Tag\" ADD COLUMN \"slug\" TEXT;\nUPDATE \"Post\" SET \"published\" = true WHERE \"views\" > 100;\n"},
		{name: "update pinned to a primary key", history: exampleHistory,
			sql: "ALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\nUPDATE \"Post\" SET \"title\" = 'Welcome' WHERE \"id\" = 1;\n"},
		{name: "quick statements only", history: exampleHistory,
			sql: "ALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nINSERT INTO \"User\" (\"email\") VALUES ('admin@example.com');\n"},
	})
}

func TestLongAccessExclusiveMessage(t *testing.T) {
	const sql = "ALTER TABLE \"User\" ADD COLUMN \"lastPostAt\" TIMESTAMP(3);\nUPDATE \"Post\" SET \"published\" = true WHERE \"views\" > 100;\nALTER TABLE \"User\" ADD COLUMN \"x\" TEXT;\n"
	wantMessage(t, exampleHistory, sql, "long-access-exclusive",
		`this UPDATE changes rows of "Post", and the whole time it runs under the ACCESS EXCLUSIVE lock on "User" that line 1 (ALTER TABLE ... ADD COLUMN) took and holds until commit, which blocks reads and writes on it`)
	wantFix(t, exampleHistory, sql, "long-access-exclusive",
		"a separate, later migration then holds:\nUPDATE \"Post\" SET \"published\" = true WHERE \"views\" > 100;\nALTER TABLE \"User\" ADD COLUMN \"x\" TEXT;")
}

// TestSlowStatementsNameHeldLocks checks that a slow statement whose own
// rule names the other tables the transaction keeps locked draws that one
// finding, not also long-access-exclusive's.
func TestSlowStatementsNameHeldLocks(t *testing.T) {
	const held = `the ACCESS EXCLUSIVE lock on "User" that line 2 (ALTER TABLE ... ADD COLUMN) took and holds until commit, which blocks reads and writes on it`
	for _, c := range []struct{ name, sql, rule string }{
		{"index build", "-- CreateIndex\nCREATE INDEX \"Post_title_idx\" ON \"Post\"(\"title\");\n", "require-concurrent-index"},
		{"UPDATE without WHERE", "-- Backfill\nUPDATE \"Post\" SET \"published\" = true;\n", "update-or-delete-without-where"},
		{"backfill under a lock on its own table", "-- AlterTable\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nUPDATE \"Post\" SET \"slug\" = lower(\"title\") WHERE \"slug\" IS NULL;\n", "backfill-in-migration"},
		{"backfill before DDL on its table", "UPDATE \"Post\" SET \"published\" = true WHERE \"views\" > 100;\n-- AlterTable\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\n", "backfill-in-migration"},
		{"type change", "-- AlterTable\nALTER TABLE \"Post\" ALTER COLUMN \"views\" SET DATA TYPE BIGINT;\n", "column-type-rewrite"},
		{"foreign key", "-- AddForeignKey\nALTER TABLE \"Post\" ADD CONSTRAINT \"Post_editorId_fkey\" FOREIGN KEY (\"views\") REFERENCES \"Post\"(\"id\");\n", "constraint-missing-not-valid"},
		{"SET NOT NULL", "-- AlterTable\nALTER TABLE \"Post\" ALTER COLUMN \"content\" SET NOT NULL;\n", "set-not-null"},
		{"serial column", "-- AlterTable\nALTER TABLE \"Post\" ADD COLUMN \"number\" SERIAL NOT NULL;\n", "adding-serial-column"},
		{"primary key swap", "-- AlterTable\nALTER TABLE \"Post\" DROP CONSTRAINT \"Post_pkey\",\nADD CONSTRAINT \"Post_pkey\" PRIMARY KEY (\"id\", \"authorId\");\n", "drop-primary-key"},
		{"unique constraint", "-- AlterTable\nALTER TABLE \"Post\" ADD CONSTRAINT \"Post_title_key\" UNIQUE (\"title\");\n", "unique-constraint-without-index"},
	} {
		t.Run(c.name, func(t *testing.T) {
			sql := "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n" + c.sql
			fs := byDefault(lintSQL(t, exampleHistory, sql, 0))
			if len(fs) != 1 || fs[0].Rule != c.rule {
				t.Fatalf("want one %s finding, got:\n%s", c.rule, dump(fs))
			}
			if !strings.Contains(fs[0].Message, held) {
				t.Errorf("message does not name the lock held on \"User\":\n%s", fs[0].Message)
			}
		})
	}
}

// TestLongAccessExclusiveWhenOwnerIsOff: a statement another rule owns is
// left to it only while that rule is on; turned off, the held locks are
// still reported.
func TestLongAccessExclusiveWhenOwnerIsOff(t *testing.T) {
	sql := "-- AlterTable\nALTER TABLE \"User\" DROP COLUMN \"name\";\n\n-- CreateIndex\nCREATE INDEX \"Post_title_idx\" ON \"Post\"(\"title\");\n"
	count := func(fs []lint.Finding) int { return len(positions(fs, "long-access-exclusive")) }
	on := lintConfigured(t, exampleHistory, sql, func(*lint.Config) error { return nil })
	if count(on) != 0 || len(positions(on, "require-concurrent-index")) != 1 {
		t.Fatalf("with require-concurrent-index on, want only its finding:\n%s", dump(on))
	}
	off := lintConfigured(t, exampleHistory, sql, func(c *lint.Config) error { return c.SetRule("require-concurrent-index", "off") })
	if count(off) != 1 {
		t.Errorf("with require-concurrent-index off, long-access-exclusive reports %d times, want 1:\n%s", count(off), dump(off))
	}
}
