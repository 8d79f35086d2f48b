package rules_test

import "testing"

func TestDropDatabase(t *testing.T) {
	runCases(t, "drop-database", []ruleCase{
		{name: "drop database", sql: "DROP DATABASE \"analytics\";\n", want: []string{"1:1"}},
		{name: "if exists, with force, after other statements", history: exampleHistory,
			sql: "-- AlterTable\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\n\nDROP DATABASE IF EXISTS legacy WITH (FORCE);\n", want: []string{"4:1"}},
		{name: "drop schema is not drop database", history: exampleHistory, sql: "DROP SCHEMA IF EXISTS \"legacy\";\n"},
		{name: "create database", sql: "CREATE DATABASE \"analytics\";\n"},
		{name: "drop table", sql: "CREATE TABLE \"T\" (\"id\" INTEGER);\nDROP TABLE \"T\";\n"},
	})
}
