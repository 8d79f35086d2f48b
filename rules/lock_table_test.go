package rules_test

import "testing"

func TestLockTable(t *testing.T) {
	runCases(t, "lock-table", []ruleCase{
		{name: "access exclusive by default", history: exampleHistory,
			sql: "BEGIN;\nLOCK \"Post\";\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nCOMMIT;\n", want: []string{"2:1"}},
		{name: "share mode, schema-qualified", history: exampleHistory,
			sql: "LOCK TABLE \"public\".\"User\" IN SHARE MODE;\nUPDATE \"User\" SET \"name\" = NULL WHERE \"id\" = 1;\n", want: []string{"1:1"}},
		{name: "alone, outside a transaction", history: exampleHistory,
			sql: "LOCK TABLE \"Post\" IN EXCLUSIVE MODE;\n", want: []string{"1:1"}},
		{name: "a mode that blocks no query", history: exampleHistory,
			sql: "BEGIN;\nLOCK TABLE \"Post\" IN SHARE UPDATE EXCLUSIVE MODE;\nCOMMIT;\n"},
		{name: "row exclusive", history: exampleHistory,
			sql: "LOCK TABLE \"Post\" IN ROW EXCLUSIVE MODE;\nSELECT 1;\n"},
		{name: "table created in the same migration", history: exampleHistory,
			sql: "CREATE TABLE \"Tag\" (\"id\" SERIAL NOT NULL);\nLOCK TABLE \"Tag\";\n"},
	})
}

func TestLockTableMessage(t *testing.T) {
	wantMessage(t, exampleHistory, "LOCK TABLE \"public\".\"User\" IN SHARE MODE;\nSELECT 1;\n", "lock-table",
		`a SHARE lock on "User", which blocks writes (INSERT/UPDATE/DELETE) on it but not reads`)
	wantMessage(t, exampleHistory, "LOCK TABLE \"Post\";", "lock-table", "25P01")
	wantFix(t, exampleHistory, "BEGIN;\nLOCK \"Post\";\nCOMMIT;\n", "lock-table", "SET LOCAL lock_timeout = '5s';\nLOCK \"Post\";")
}
