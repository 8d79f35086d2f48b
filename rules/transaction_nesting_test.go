package rules_test

import "testing"

func TestTransactionNesting(t *testing.T) {
	runCases(t, "transaction-nesting", []ruleCase{
		{name: "BEGIN never committed", history: exampleHistory,
			sql: "BEGIN;\n-- AlterTable\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\n", want: []string{"1:1"}},
		{name: "BEGIN inside BEGIN", history: exampleHistory,
			sql:  "BEGIN;\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nBEGIN;\nALTER TABLE \"Post\" ADD COLUMN \"summary\" TEXT;\nCOMMIT;\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\nCOMMIT;\n",
			want: []string{"3:1"}},
		{name: "COMMIT without BEGIN mid-file", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"public\".\"Post\" ADD COLUMN \"slug\" TEXT;\nCOMMIT;\n-- CreateIndex\nCREATE INDEX \"Post_slug_idx\" ON \"public\".\"Post\"(\"slug\");\n",
			want: []string{"3:1"}},
		{name: "ROLLBACK without BEGIN", history: exampleHistory,
			sql: "ALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nROLLBACK;\n", want: []string{"2:1"}},
		{name: "ROLLBACK of an explicit transaction", history: exampleHistory,
			sql: "START TRANSACTION;\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nABORT;\n", want: []string{"3:1"}},
		{name: "prisma enum block among other statements", history: exampleHistory, sql: roleRemoval + "\n-- AlterTable\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\n"},
		{name: "two blocks in a row", history: exampleHistory,
			sql: "BEGIN;\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nCOMMIT;\nSTART TRANSACTION;\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\nEND;\n"},
		{name: "COMMIT as the last statement", history: exampleHistory,
			sql: "ALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nCOMMIT;\n"},
		{name: "goose NO TRANSACTION: COMMIT and ROLLBACK of nothing", history: exampleHistory,
			sql: "-- +goose NO TRANSACTION\n-- +goose Up\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nCOMMIT;\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\nROLLBACK;\n"},
		{name: "goose NO TRANSACTION: ROLLBACK of an explicit block", history: exampleHistory,
			sql:  "-- +goose NO TRANSACTION\n-- +goose Up\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nBEGIN;\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\nROLLBACK;\n",
			want: []string{"6:1"}},
		{name: "savepoints", history: exampleHistory,
			sql: "BEGIN;\nSAVEPOINT s1;\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nROLLBACK TO SAVEPOINT s1;\nCOMMIT;\n"},
	})
}

func TestTransactionNestingMessages(t *testing.T) {
	fs := lintSQL(t, exampleHistory, "ALTER TABLE \"Post\" ADD COLUMN \"a\" TEXT;\nALTER TABLE \"Post\" ADD COLUMN \"b\" TEXT;\nCOMMIT;\nALTER TABLE \"Post\" ADD COLUMN \"c\" TEXT;\n", 0)
	assertFinding(t, fs, "transaction-nesting", "the 2 statement(s) from line 1", "failed")
	fs = lintSQL(t, exampleHistory, "-- +goose NO TRANSACTION\n-- +goose Up\nALTER TABLE \"Post\" ADD COLUMN \"a\" TEXT;\nBEGIN;\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\nROLLBACK;\n", 0)
	assertFinding(t, fs, "transaction-nesting", "the 1 statement(s) from line 5")
	fs = lintSQL(t, exampleHistory, "BEGIN;\nBEGIN;\nCOMMIT;\n", 0)
	assertFinding(t, fs, "transaction-nesting", "BEGIN on line 1")
}
