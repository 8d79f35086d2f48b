package rules_test

import (
	"testing"

	"github.com/migrate-guard/migrate-guard/ruledoc"
)

func TestSetLoggedUnlogged(t *testing.T) {
	runCases(t, "set-logged-unlogged", []ruleCase{
		{name: "unlogged", history: exampleHistory, sql: "-- AlterTable\nALTER TABLE \"Post\" SET UNLOGGED;\n", want: []string{"2:20"}},
		{name: "logged, schema-qualified, second clause", history: exampleHistory,
			sql: "ALTER TABLE \"public\".\"User\" SET (fillfactor = 90),\n  SET LOGGED;\n", want: []string{"2:3"}},
		{name: "table the history does not know", sql: "ALTER TABLE staging SET LOGGED;\n", want: []string{"1:21"}},
		{name: "the same table, known to the history", history: stagingHistory,
			sql: "ALTER TABLE staging SET LOGGED;\n", want: []string{"1:21"}},
		{name: "new table made logged after loading", history: exampleHistory,
			sql: "CREATE UNLOGGED TABLE \"Import\" (\"id\" INTEGER NOT NULL);\nALTER TABLE \"Import\" SET LOGGED;\n"},
		{name: "unlogged at creation", history: exampleHistory,
			sql: "CREATE UNLOGGED TABLE \"Cache\" (\"key\" TEXT NOT NULL);\n"},
		{name: "another clause", history: exampleHistory, sql: "ALTER TABLE \"Post\" SET (fillfactor = 90);\n"},
	})
}

func TestSetLoggedUnloggedFix(t *testing.T) {
	wantFix(t, exampleHistory, "ALTER TABLE \"Post\" SET UNLOGGED;", "set-logged-unlogged",
		"SET LOCAL lock_timeout = '5s';\nALTER TABLE \"Post\" SET UNLOGGED;")
	wantMessage(t, exampleHistory, "ALTER TABLE \"Post\" SET LOGGED;", "set-logged-unlogged",
		"WAL", `rewrites "Post"`, `an ACCESS EXCLUSIVE lock on "Post", which blocks reads and writes on it`)
}

// stagingHistory is exampleHistory and a later hand-written migration that
// loads imports into an unlogged table (Prisma cannot say UNLOGGED).
var stagingHistory = []string{ruledoc.History, `-- CreateTable
CREATE UNLOGGED TABLE "staging" (
    "id" SERIAL NOT NULL,
    "payload" JSONB NOT NULL,

    CONSTRAINT "staging_pkey" PRIMARY KEY ("id")
);
`}
