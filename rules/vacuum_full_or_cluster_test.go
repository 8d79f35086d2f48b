package rules_test

import "testing"

func TestVacuumFullOrCluster(t *testing.T) {
	runCases(t, "vacuum-full-or-cluster", []ruleCase{
		{name: "vacuum full", history: exampleHistory, sql: "-- Reclaim space\nVACUUM FULL \"Post\";\n", want: []string{"2:1"}},
		{name: "vacuum (full) of two tables, schema-qualified", history: exampleHistory,
			sql: "VACUUM (FULL, ANALYZE) \"public\".\"Post\", \"User\";\n", want: []string{"1:1"}},
		{name: "cluster", history: exampleHistory, sql: "CLUSTER \"Post\" USING \"Post_pkey\";\n", want: []string{"1:1"}},
		{name: "vacuum full of the whole database", sql: "VACUUM FULL;\n", want: []string{"1:1"}},
		{name: "plain vacuum", history: exampleHistory, sql: "VACUUM (ANALYZE) \"Post\";\n"},
		{name: "full turned off", history: exampleHistory, sql: "VACUUM (FULL false) \"Post\";\n"},
		{name: "analyze", history: exampleHistory, sql: "ANALYZE \"Post\";\n"},
		{name: "table created in the same migration", history: exampleHistory,
			sql: "CREATE TABLE \"Tag\" (\"id\" SERIAL NOT NULL);\nCLUSTER \"Tag\" USING \"Tag_pkey\";\n"},
	})
}

func TestVacuumFullOrClusterFix(t *testing.T) {
	wantFix(t, exampleHistory, "CLUSTER \"Post\" USING \"Post_pkey\";", "vacuum-full-or-cluster",
		"ALTER TABLE \"Post\" CLUSTER ON \"Post_pkey\";", "pg_repack --dbname=\"$DATABASE_URL\" --table='\"public\".\"Post\"'")
	wantFix(t, exampleHistory, "VACUUM FULL;", "vacuum-full-or-cluster", "pg_repack --dbname=\"$DATABASE_URL\" --all")
	wantMessage(t, exampleHistory, "VACUUM FULL \"Post\", \"User\";", "vacuum-full-or-cluster",
		`VACUUM FULL writes a new copy of "Post" and "User" with all indexes`,
		`ACCESS EXCLUSIVE locks on "Post" and "User", which block reads and writes on them`)
}
