package rules_test

import "testing"

func TestNonAtomicMigration(t *testing.T) {
	const addThenUnique = "-- AlterTable\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\n\n-- CreateIndex\nCREATE UNIQUE INDEX \"Post_title_key\" ON \"Post\"(\"title\");\n"
	runCases(t, "non-atomic-migration", []ruleCase{
		{name: "prisma 7.8: a unique index after a committed column", history: exampleHistory, runner: "prisma@7.8.0",
			sql: addThenUnique, want: []string{"5:1"}},
		{name: "prisma 6 runs the file as one transaction", history: exampleHistory, runner: "prisma@6.19.0", sql: addThenUnique},
		{name: "migrate-guard runs it atomically", history: exampleHistory, runner: "migrate-guard", sql: addThenUnique},
		{name: "no runner set", history: exampleHistory, sql: addThenUnique},
		{name: "wrapped in BEGIN ... COMMIT", history: exampleHistory, runner: "prisma@7.8.0",
			sql: "BEGIN;\n" + addThenUnique + "COMMIT;\n"},
		{name: "the first statement alone can fail: nothing committed before it", history: exampleHistory, runner: "prisma@7.8.0",
			sql: "CREATE UNIQUE INDEX \"Post_title_key\" ON \"Post\"(\"title\");\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\n"},
		{name: "new tables only: nothing can fail on data", history: exampleHistory, runner: "prisma@7.8.0",
			sql: "CREATE TABLE \"Tag\" (\"id\" TEXT NOT NULL, \"name\" TEXT NOT NULL);\nCREATE UNIQUE INDEX \"Tag_name_key\" ON \"Tag\"(\"name\");\n"},
		{name: "required column on an existing table", history: exampleHistory, runner: "prisma@7.8.0",
			sql:  "CREATE TABLE \"Tag\" (\"id\" TEXT NOT NULL);\nALTER TABLE \"Post\" ADD COLUMN \"tagId\" TEXT NOT NULL;\n",
			want: []string{"2:1"}},
		{name: "a serial column has a default", history: exampleHistory, runner: "prisma@7.8.0",
			sql: "CREATE TABLE \"Tag\" (\"id\" TEXT NOT NULL);\nALTER TABLE \"Post\" ADD COLUMN \"n\" SERIAL NOT NULL;\n"},
		{name: "SET NOT NULL and a cast", history: exampleHistory, runner: "prisma@7.8.0",
			sql:  "ALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nALTER TABLE \"Post\" ALTER COLUMN \"title\" SET NOT NULL;\nALTER TABLE \"Post\" ALTER COLUMN \"views\" TYPE SMALLINT;\n",
			want: []string{"2:1"}},
		{name: "NOT VALID constraint cannot fail, its VALIDATE can", history: exampleHistory, runner: "prisma@7.8.0",
			sql:  "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_views_check\" CHECK (\"views\" >= 0) NOT VALID;\nALTER TABLE \"Post\" VALIDATE CONSTRAINT \"Post_views_check\";\n",
			want: []string{"2:1"}},
		{name: "idempotent statements before it: a re-run succeeds", history: exampleHistory, runner: "prisma@7.8.0",
			sql: "ALTER TABLE \"Post\" ADD COLUMN IF NOT EXISTS \"slug\" TEXT;\nCREATE INDEX IF NOT EXISTS \"Post_slug_idx\" ON \"Post\"(\"slug\");\nCREATE UNIQUE INDEX \"Post_title_key\" ON \"Post\"(\"title\");\n"},
		{name: "lock_timeout makes any lock on an existing table fail", history: exampleHistory, runner: "prisma@7.8.0",
			sql:  "SET lock_timeout = '5s';\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nCREATE INDEX \"Post_slug_idx\" ON \"Post\"(\"slug\");\n",
			want: []string{"3:1"}},
		{name: "without lock_timeout a plain index waits and succeeds", history: exampleHistory, runner: "prisma@7.8.0",
			sql: "ALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nCREATE INDEX \"Post_slug_idx\" ON \"Post\"(\"slug\");\n"},
		{name: "one finding per file", history: exampleHistory, runner: "prisma@7.8.0",
			sql: addThenUnique + "ALTER TABLE \"Post\" ALTER COLUMN \"title\" SET NOT NULL;\n", want: []string{"5:1"}},
		{name: "a foreign key over a column the file just added is NULL everywhere", history: exampleHistory, runner: "prisma@7.8.0",
			sql: "ALTER TABLE \"Post\" ADD COLUMN \"editorId\" INTEGER;\nALTER TABLE \"Post\" ADD CONSTRAINT \"Post_editorId_fkey\" FOREIGN KEY (\"editorId\") REFERENCES \"User\"(\"id\");\n"},
		{name: "a unique index over a column the file just added", history: exampleHistory, runner: "prisma@7.8.0",
			sql: "ALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nCREATE UNIQUE INDEX \"Post_slug_key\" ON \"Post\"(\"slug\");\n"},
		{name: "a unique index over a new column with a default", history: exampleHistory, runner: "prisma@7.8.0",
			sql:  "ALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT DEFAULT 'x';\nCREATE UNIQUE INDEX \"Post_slug_key\" ON \"Post\"(\"slug\");\n",
			want: []string{"2:1"}},
		{name: "a unique index over a new column the file filled", history: exampleHistory, runner: "prisma@7.8.0",
			sql:  "ALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nUPDATE \"Post\" SET \"slug\" = 'x';\nCREATE UNIQUE INDEX \"Post_slug_key\" ON \"Post\"(\"slug\");\n",
			want: []string{"3:1"}},
		{name: "a CHECK that rejects NULL over a new column", history: exampleHistory, runner: "prisma@7.8.0",
			sql:  "ALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nALTER TABLE \"Post\" ADD CONSTRAINT \"Post_slug_check\" CHECK (\"slug\" IS NOT NULL);\n",
			want: []string{"2:1"}},
		{name: "a CHECK over a new column passes on NULL", history: exampleHistory, runner: "prisma@7.8.0",
			sql: "ALTER TABLE \"Post\" ADD COLUMN \"rank\" INTEGER;\nALTER TABLE \"Post\" ADD CONSTRAINT \"Post_rank_check\" CHECK (\"rank\" > 0);\n"},
		{name: "a foreign key dropped and added back with another ON DELETE", history: exampleHistory, runner: "prisma@7.8.0",
			sql: "ALTER TABLE \"Post\" DROP CONSTRAINT \"Post_authorId_fkey\";\nALTER TABLE \"Post\" ADD CONSTRAINT \"Post_authorId_fkey\" FOREIGN KEY (\"authorId\") REFERENCES \"User\"(\"id\") ON DELETE CASCADE ON UPDATE CASCADE;\n"},
		{name: "past a required column the table is empty", history: exampleHistory, runner: "prisma@7.8.0",
			sql: "ALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT NOT NULL;\nCREATE UNIQUE INDEX \"Post_title_key\" ON \"Post\"(\"title\");\n"},
		{name: "widening casts cannot fail", history: exampleHistory, runner: "prisma@7.8.0",
			sql: "ALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nALTER TABLE \"Post\" ALTER COLUMN \"views\" SET DATA TYPE BIGINT;\nALTER TABLE \"Post\" ALTER COLUMN \"title\" TYPE TEXT;\n"},
		{name: "falls back to one query: atomic again", history: exampleHistory, runner: "prisma@7.8.0",
			sql: addThenUnique + "DROP INDEX CONCURRENTLY \"Post_authorId_idx\";\n"},
	})
}

func TestNonAtomicMigrationMessage(t *testing.T) {
	fs := lintRunner(t, exampleHistory, "-- AlterTable\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\n\n-- CreateIndex\nCREATE UNIQUE INDEX \"Post_title_key\" ON \"Post\"(\"title\");\n", 0, "prisma@7.8.0")
	assertFinding(t, fs, "non-atomic-migration", "Prisma 7.8.0 sends each statement of this file on its own",
		"on duplicate values in existing rows", "the schema change on line 2 before it stays applied", "P3009",
		"prisma migrate resolve --rolled-back <migration>", "BEGIN;\n\n-- AlterTable\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;",
		"\"Post\"(\"title\");\n\nCOMMIT;")
	fs = lintRunner(t, exampleHistory, "ALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nCREATE UNIQUE INDEX CONCURRENTLY \"Post_title_key\" ON \"Post\"(\"title\");\n", 0, "prisma@7.8.0")
	assertFinding(t, fs, "non-atomic-migration", "cannot be wrapped")
}
