package rules_test

import "testing"

func TestPreferJSONB(t *testing.T) {
	runCases(t, "prefer-jsonb", []ruleCase{
		{name: "prisma @db.Json field in a new table",
			sql:  "-- CreateTable\nCREATE TABLE \"Event\" (\n    \"id\" TEXT NOT NULL,\n    \"payload\" JSON NOT NULL,\n    \"meta\" JSON,\n\n    CONSTRAINT \"Event_pkey\" PRIMARY KEY (\"id\")\n);\n",
			want: []string{"4:15", "5:12"}},
		{name: "added to an existing table", history: exampleHistory,
			sql: "-- AlterTable\nALTER TABLE \"public\".\"Post\" ADD COLUMN     \"extra\" JSON;\n", want: []string{"2:52"}},
		{name: "array of json, schema-qualified type", history: exampleHistory,
			sql: "ALTER TABLE \"Post\" ADD COLUMN \"events\" pg_catalog.json[];\n", want: []string{"1:40"}},
		{name: "retyped to json", history: exampleHistory,
			sql: "-- AlterTable\nALTER TABLE \"Post\" ALTER COLUMN \"content\" SET DATA TYPE JSON USING \"content\"::json;\n", want: []string{"2:57"}},
		{name: "jsonb",
			sql: "-- CreateTable\nCREATE TABLE \"Event\" (\n    \"id\" TEXT NOT NULL,\n    \"payload\" JSONB NOT NULL,\n\n    CONSTRAINT \"Event_pkey\" PRIMARY KEY (\"id\")\n);\n"},
		{name: "a json cast is not a column", history: exampleHistory,
			sql: "UPDATE \"Post\" SET \"content\" = '{}'::json::text WHERE \"content\" IS NULL;\n"},
		{name: "an existing json column altered otherwise",
			history: []string{"CREATE TABLE \"Event\" (\"id\" TEXT NOT NULL, \"payload\" JSON);"},
			sql:     "-- AlterTable\nALTER TABLE \"Event\" ALTER COLUMN \"payload\" SET NOT NULL;\n"},
	})
}

func TestPreferJSONBFix(t *testing.T) {
	fs := lintSQL(t, nil, "-- CreateTable\nCREATE TABLE \"Event\" (\n    \"payload\" JSON NOT NULL, -- body\n    \"meta\" json[] DEFAULT '{}'\n);\n", 0)
	assertFinding(t, fs, "prefer-jsonb", `column "payload" of "Event" is json`, "@db.Json",
		"CREATE TABLE \"Event\" (\n    \"payload\" JSONB NOT NULL, -- body\n    \"meta\" JSONB[] DEFAULT '{}'\n);")
}
