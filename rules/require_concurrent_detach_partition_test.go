package rules_test

import "testing"

// events is a history with a partitioned table.
var events = append(append([]string(nil), exampleHistory...), `-- CreateTable
CREATE TABLE "Event" ("id" SERIAL NOT NULL, "at" TIMESTAMP(3) NOT NULL) PARTITION BY RANGE ("at");
CREATE TABLE "Event_2023" PARTITION OF "Event" FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE "Event_2024" PARTITION OF "Event" FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');`)

func TestRequireConcurrentDetachPartition(t *testing.T) {
	const detach = "-- AlterTable\nALTER TABLE \"Event\" DETACH PARTITION \"Event_2023\";\n"
	runCases(t, "require-concurrent-detach-partition", []ruleCase{
		{name: "PostgreSQL 14", history: events, pg: 14, sql: detach, want: []string{"2:21"}},
		{name: "default version, schema-qualified, after another clause", history: events,
			sql:  "ALTER TABLE \"public\".\"Event\" DETACH PARTITION \"public\".\"Event_2023\";\nALTER TABLE \"Event\" DETACH PARTITION \"Event_2024\";\n",
			want: []string{"1:30", "2:21"}},
		{name: "PostgreSQL 13 has no concurrent form", history: events, pg: 13, sql: detach},
		{name: "concurrently", history: events, sql: "ALTER TABLE \"Event\" DETACH PARTITION \"Event_2023\" CONCURRENTLY;\n"},
		{name: "finalize", history: events, sql: "ALTER TABLE \"Event\" DETACH PARTITION \"Event_2023\" FINALIZE;\n"},
		{name: "table created in the same migration", history: exampleHistory,
			sql: "CREATE TABLE \"Log\" (\"at\" DATE NOT NULL) PARTITION BY RANGE (\"at\");\nCREATE TABLE \"Log_1\" PARTITION OF \"Log\" FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\nALTER TABLE \"Log\" DETACH PARTITION \"Log_1\";\n"},
	})
}

func TestRequireConcurrentDetachPartitionFix(t *testing.T) {
	wantFix(t, events, "ALTER TABLE \"public\".\"Event\" DETACH PARTITION \"Event_2023\";", "require-concurrent-detach-partition",
		"ALTER TABLE \"Event\" DETACH PARTITION \"Event_2023\" CONCURRENTLY;")
	wantMessage(t, events, "ALTER TABLE \"Event\" DETACH PARTITION \"Event_2023\";", "require-concurrent-detach-partition",
		`ACCESS EXCLUSIVE locks on "Event" and "Event_2023", which block reads and writes on them`)
}
