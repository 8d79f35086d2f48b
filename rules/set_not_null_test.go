package rules_test

import "testing"

func TestSetNotNull(t *testing.T) {
	const prismaRequired = "/*\n  Warnings:\n\n  - Made the column `name` on table `User` required. This step will fail if there are existing NULL values in that column.\n\n*/\n-- AlterTable\nALTER TABLE \"User\" ALTER COLUMN \"name\" SET NOT NULL;\n"
	// A validated check from an earlier migration proves the column on PostgreSQL 12+.
	checked := append(append([]string(nil), exampleHistory...),
		"ALTER TABLE \"User\" ADD CONSTRAINT \"User_name_not_null\" CHECK (\"name\" IS NOT NULL) NOT VALID;",
		"ALTER TABLE \"User\" VALIDATE CONSTRAINT \"User_name_not_null\";")
	// The same check in an earlier migration, never validated.
	unvalidated := append(append([]string(nil), exampleHistory...),
		"ALTER TABLE \"User\" ADD CONSTRAINT \"User_name_not_null\" CHECK (\"name\" IS NOT NULL) NOT VALID;")
	runCases(t, "set-not-null", []ruleCase{
		{name: "prisma optional field made required", history: exampleHistory, sql: prismaRequired,
			want: []string{"8:20"}},
		{name: "second clause, schema-qualified", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"public\".\"Post\" ALTER COLUMN \"title\" SET DATA TYPE VARCHAR(255),\nALTER COLUMN \"content\" SET NOT NULL;\n",
			want: []string{"3:1"}},
		{name: "validated check on PostgreSQL 11 still scans", history: checked, pg: 11, sql: prismaRequired,
			want: []string{"8:20"}},
		{name: "unvalidated check does not prove it", history: unvalidated, sql: prismaRequired,
			want: []string{"8:20"}},
		{name: "validated check on PostgreSQL 12", history: checked, pg: 12, sql: prismaRequired},
		{name: "check validated earlier in the same file", history: exampleHistory,
			sql: "BEGIN;\nALTER TABLE \"User\" ADD CONSTRAINT \"User_name_not_null\" CHECK (\"name\" IS NOT NULL) NOT VALID;\nCOMMIT;\nALTER TABLE \"User\" VALIDATE CONSTRAINT \"User_name_not_null\";\nALTER TABLE \"User\" ALTER COLUMN \"name\" SET NOT NULL;\n"},
		{name: "already NOT NULL", history: exampleHistory,
			sql: "-- AlterTable\nALTER TABLE \"User\" ALTER COLUMN \"email\" SET NOT NULL;\n"},
		{name: "table created in the same migration", history: exampleHistory,
			sql: "-- CreateTable\nCREATE TABLE \"Tag\" (\n    \"id\" SERIAL NOT NULL,\n    \"name\" TEXT\n);\n\n-- AlterTable\nALTER TABLE \"Tag\" ALTER COLUMN \"name\" SET NOT NULL;\n"},
	})
}

func TestSetNotNullFix(t *testing.T) {
	wantFix(t, exampleHistory, "ALTER TABLE \"public\".\"Post\" ALTER COLUMN \"content\" SET NOT NULL;", "set-not-null",
		"-- Must return 0 before the column becomes NOT NULL",
		`SELECT count(*) FROM "Post" WHERE "content" IS NULL;`,
		"ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_content_not_null\" CHECK (\"content\" IS NOT NULL) NOT VALID;",
		"ALTER TABLE \"Post\" VALIDATE CONSTRAINT \"Post_content_not_null\";",
		"ALTER TABLE \"Post\" ALTER COLUMN \"content\" SET NOT NULL;")
}
