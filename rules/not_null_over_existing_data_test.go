package rules_test

import "testing"

func TestNotNullOverExistingData(t *testing.T) {
	withIndexes := append(append([]string(nil), exampleHistory...),
		"CREATE UNIQUE INDEX \"Post_content_key\" ON \"Post\"(\"content\");\nCREATE UNIQUE INDEX \"Post_title_key\" ON \"Post\"(\"title\");\n")
	withCheck := append(append([]string(nil), exampleHistory...),
		"ALTER TABLE \"User\" ADD CONSTRAINT \"User_name_not_null\" CHECK (\"name\" IS NOT NULL) NOT VALID;\n")
	runCases(t, "not-null-over-existing-data", []ruleCase{
		{name: "primary key using an index over a nullable column", history: withIndexes,
			sql:  "-- AlterTable\nALTER TABLE \"Post\" DROP CONSTRAINT \"Post_pkey\",\nADD CONSTRAINT \"Post_pkey\" PRIMARY KEY USING INDEX \"Post_content_key\";\n",
			want: []string{"3:1"}},
		{name: "validating an earlier NOT NULL check, schema-qualified", history: withCheck,
			sql: "ALTER TABLE \"public\".\"User\" VALIDATE CONSTRAINT \"User_name_not_null\";\n", want: []string{"1:29"}},
		{name: "primary key using an index over NOT NULL columns", history: withIndexes,
			sql: "ALTER TABLE \"Post\" DROP CONSTRAINT \"Post_pkey\",\nADD CONSTRAINT \"Post_pkey\" PRIMARY KEY USING INDEX \"Post_title_key\";\n"},
		{name: "check added and validated in the same file", history: exampleHistory,
			sql: "BEGIN;\nALTER TABLE \"User\" ADD CONSTRAINT \"User_name_not_null\" CHECK (\"name\" IS NOT NULL) NOT VALID;\nCOMMIT;\nALTER TABLE \"User\" VALIDATE CONSTRAINT \"User_name_not_null\";\n"},
		{name: "validating a foreign key", history: exampleHistory,
			sql: "ALTER TABLE \"Post\" VALIDATE CONSTRAINT \"Post_authorId_fkey\";\n"},
		{name: "set not null is set-not-null's", history: exampleHistory,
			sql: "ALTER TABLE \"User\" ALTER COLUMN \"name\" SET NOT NULL;\n"},
	})
}

func TestNotNullOverExistingDataFix(t *testing.T) {
	hist := append(append([]string(nil), exampleHistory...), "CREATE UNIQUE INDEX \"Post_content_key\" ON \"Post\"(\"content\");\n")
	fs := lintSQL(t, hist, "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_pkey2\" PRIMARY KEY USING INDEX \"Post_content_key\";", 0)
	assertFinding(t, fs, "not-null-over-existing-data", "23502", `ACCESS EXCLUSIVE`,
		`SELECT count(*) FROM "Post" WHERE "content" IS NULL;`,
		`ALTER TABLE "Post" ADD CONSTRAINT "Post_content_not_null" CHECK ("content" IS NOT NULL) NOT VALID;`)
}
