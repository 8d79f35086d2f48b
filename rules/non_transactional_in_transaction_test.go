package rules_test

import (
	"strings"
	"testing"
)

func TestNonTransactionalInTransaction(t *testing.T) {
	const addValues = "-- AlterEnum\nALTER TYPE \"Role\" ADD VALUE 'MODERATOR';\n\n-- AlterEnum\nALTER TYPE \"public\".\"Role\" ADD VALUE 'GUEST';\n"
	runCases(t, "non-transactional-in-transaction", []ruleCase{
		{name: "concurrent index after another statement", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"Post\" ADD COLUMN     \"slug\" TEXT;\n\n-- CreateIndex\nCREATE UNIQUE INDEX CONCURRENTLY \"Post_slug_key\" ON \"Post\"(\"slug\");\n",
			want: []string{"5:1"}},
		{name: "inside BEGIN ... COMMIT", history: exampleHistory,
			sql:  "BEGIN;\n-- DropIndex\nDROP INDEX CONCURRENTLY IF EXISTS \"public\".\"Post_authorId_idx\";\nCOMMIT;\n",
			want: []string{"3:1"}},
		{name: "enum values added together before PostgreSQL 12", history: exampleHistory, pg: 11,
			sql: addValues, want: []string{"2:1", "5:1"}},
		{name: "reindex and vacuum after a statement", history: exampleHistory,
			sql:  "REINDEX INDEX CONCURRENTLY \"Post_authorId_idx\";\nVACUUM (ANALYZE) \"Post\";\n",
			want: []string{"1:1", "2:1"}},
		{name: "enum values added together on PostgreSQL 12", history: exampleHistory, pg: 12, sql: addValues},
		{name: "lone enum value before PostgreSQL 12", history: exampleHistory, pg: 11,
			sql: "-- AlterEnum\nALTER TYPE \"Role\" ADD VALUE 'MODERATOR';\n"},
		{name: "lone concurrent index", history: exampleHistory,
			sql: "-- CreateIndex\nCREATE INDEX CONCURRENTLY \"Post_title_idx\" ON \"Post\"(\"title\");\n"},
		{name: "lone drop index concurrently", history: exampleHistory,
			sql: "-- DropIndex\nDROP INDEX CONCURRENTLY IF EXISTS \"Post_authorId_idx\";\n"},
		{name: "prisma 6 runs the file as one transaction", history: exampleHistory, runner: "prisma@6.19.0",
			sql:  "CREATE TABLE \"Tag\" (\"id\" TEXT NOT NULL);\nCREATE INDEX CONCURRENTLY \"Post_title_idx\" ON \"Post\"(\"title\");\n",
			want: []string{"2:1"}},
		{name: "prisma 7.8 sends each statement on its own", history: exampleHistory, runner: "prisma@7.8.0",
			sql: "CREATE TABLE \"Tag\" (\"id\" TEXT NOT NULL);\nCREATE INDEX CONCURRENTLY \"Post_title_idx\" ON \"Post\"(\"title\");\n"},
		{name: "prisma 7.8 falls back to one query on DROP INDEX CONCURRENTLY", history: exampleHistory, runner: "prisma@7.8.0",
			sql:  "DROP INDEX CONCURRENTLY \"Post_authorId_idx\";\nCREATE INDEX CONCURRENTLY \"Post_title_idx\" ON \"Post\"(\"title\");\n",
			want: []string{"1:1", "2:1"}},
		{name: "prisma 7.8 falls back to one query on a DO block", history: exampleHistory, runner: "prisma@7.8.0",
			sql:  "DO $$ BEGIN RAISE NOTICE 'x'; END $$;\nCREATE INDEX CONCURRENTLY \"Post_title_idx\" ON \"Post\"(\"title\");\n",
			want: []string{"2:1"}},
		{name: "prisma 7.3 does not split", history: exampleHistory, runner: "prisma@7.3.0",
			sql:  "CREATE TABLE \"Tag\" (\"id\" TEXT NOT NULL);\nCREATE INDEX CONCURRENTLY \"Post_title_idx\" ON \"Post\"(\"title\");\n",
			want: []string{"2:1"}},
		{name: "migrate-guard runs it statement by statement", history: exampleHistory, runner: "migrate-guard",
			sql: "CREATE TABLE \"Tag\" (\"id\" TEXT NOT NULL);\nCREATE INDEX CONCURRENTLY \"Post_title_idx\" ON \"Post\"(\"title\");\n"},
		{name: "ANALYZE runs in a transaction", history: exampleHistory,
			sql: "-- AlterTable\nALTER TABLE \"Post\" ADD COLUMN     \"slug\" TEXT;\nANALYZE \"Post\";\n"},
	})
}

func TestNonTransactionalInTransactionMessage(t *testing.T) {
	f := findingOf(t, exampleHistory, "BEGIN;\nVACUUM \"Post\";\nCOMMIT;\n", "non-transactional-in-transaction")
	if !strings.Contains(f.Message, "BEGIN ... COMMIT") || !strings.Contains(f.Message, "25001") {
		t.Errorf("message does not say why: %s", f.Message)
	}
	if !strings.HasSuffix(f.Fix, "\nVACUUM \"Post\";") {
		t.Errorf("fix does not hold the statement alone: %s", f.Fix)
	}
}

func TestNonTransactionalInTransactionFallbackMessage(t *testing.T) {
	fs := lintRunner(t, exampleHistory, "CREATE TABLE \"Tag\" (\"id\" TEXT NOT NULL);\nDROP INDEX CONCURRENTLY \"Post_authorId_idx\";\n", 0, "prisma@7.8.0")
	assertFinding(t, fs, "non-transactional-in-transaction", "Prisma 7.8.0 splits a file into statements",
		"cannot read the DROP INDEX CONCURRENTLY on line 2", "prisma-engines #5847")
	fs = lintRunner(t, exampleHistory, "CREATE TABLE \"Tag\" (\"id\" TEXT NOT NULL);\nCREATE INDEX CONCURRENTLY \"Post_title_idx\" ON \"Post\"(\"title\");\n", 0, "prisma@6.19.0")
	assertFinding(t, fs, "non-transactional-in-transaction", "which Prisma 6.19.0 sends as one query")
}
