package rules_test

import (
	"strings"
	"testing"
)

func TestValidateInSameTransaction(t *testing.T) {
	runCases(t, "validate-in-same-transaction", []ruleCase{
		{name: "implicit transaction of a multi-statement file", history: exampleHistory,
			sql:  "-- AddForeignKey\nALTER TABLE \"Post\" ADD CONSTRAINT \"Post_authorId_user_fkey\" FOREIGN KEY (\"authorId\") REFERENCES \"User\"(\"id\") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;\n\n-- ValidateForeignKey\nALTER TABLE \"Post\" VALIDATE CONSTRAINT \"Post_authorId_user_fkey\";\n",
			want: []string{"5:20"}},
		{name: "inside BEGIN ... COMMIT, schema-qualified", history: exampleHistory,
			sql:  "BEGIN;\nALTER TABLE \"public\".\"Post\" ADD CONSTRAINT \"Post_views_check\" CHECK (\"views\" >= 0) NOT VALID;\nALTER TABLE \"Post\" VALIDATE CONSTRAINT \"Post_views_check\";\nCOMMIT;\n",
			want: []string{"3:20"}},
		{name: "unnamed foreign key validated by its default name", history: exampleHistory,
			sql:  "ALTER TABLE \"Post\" ADD COLUMN \"editorId\" INTEGER,\nADD FOREIGN KEY (\"editorId\") REFERENCES \"User\"(\"id\") NOT VALID;\nALTER TABLE \"Post\" VALIDATE CONSTRAINT \"Post_editorId_fkey\";\n",
			want: []string{"3:20"}},
		{name: "unnamed foreign key numbered past a taken name", history: exampleHistory,
			sql:  "ALTER TABLE \"Post\" ADD FOREIGN KEY (\"authorId\") REFERENCES \"User\"(\"id\") NOT VALID;\nALTER TABLE \"Post\" VALIDATE CONSTRAINT \"Post_authorId_fkey1\";\n",
			want: []string{"2:20"}},
		{name: "table created in the same migration", history: exampleHistory,
			sql: "-- CreateTable\nCREATE TABLE \"Comment\" (\n    \"id\" SERIAL NOT NULL,\n    \"postId\" INTEGER NOT NULL,\n\n    CONSTRAINT \"Comment_pkey\" PRIMARY KEY (\"id\")\n);\n\nALTER TABLE \"Comment\" ADD CONSTRAINT \"Comment_postId_fkey\" FOREIGN KEY (\"postId\") REFERENCES \"Post\"(\"id\") NOT VALID;\nALTER TABLE \"Comment\" VALIDATE CONSTRAINT \"Comment_postId_fkey\";\n"},
		{name: "COMMIT between ADD and VALIDATE", history: exampleHistory,
			sql: "BEGIN;\nALTER TABLE \"Post\" ADD CONSTRAINT \"Post_views_check\" CHECK (\"views\" >= 0) NOT VALID;\nCOMMIT;\nALTER TABLE \"Post\" VALIDATE CONSTRAINT \"Post_views_check\";\n"},
		{name: "alone in a later migration", history: append(append([]string(nil), exampleHistory...),
			"ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_views_check\" CHECK (\"views\" >= 0) NOT VALID;"),
			sql: "ALTER TABLE \"Post\" VALIDATE CONSTRAINT \"Post_views_check\";\n"},
		{name: "same constraint name on another table", history: exampleHistory,
			sql: "ALTER TABLE \"User\" ADD CONSTRAINT \"positive\" CHECK (\"id\" > 0) NOT VALID;\nALTER TABLE \"Post\" VALIDATE CONSTRAINT \"positive\";\n"},
		{name: "another constraint", history: exampleHistory,
			sql: "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_views_check\" CHECK (\"views\" >= 0) NOT VALID;\nALTER TABLE \"Post\" VALIDATE CONSTRAINT \"Post_authorId_fkey\";\n"},
	})
}

func TestValidateInSameTransactionMessage(t *testing.T) {
	f := findingOf(t, exampleHistory,
		"ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_authorId_user_fkey\" FOREIGN KEY (\"authorId\") REFERENCES \"User\"(\"id\") NOT VALID;\nALTER TABLE \"Post\" VALIDATE CONSTRAINT \"Post_authorId_user_fkey\";\n",
		"validate-in-same-transaction")
	for _, want := range []string{"line 1", `SHARE ROW EXCLUSIVE locks on "Post" and "User"`, `block writes (INSERT/UPDATE/DELETE) on them but not reads`} {
		if !strings.Contains(f.Message, want) {
			t.Errorf("message lacks %q: %s", want, f.Message)
		}
	}
	if !strings.HasSuffix(f.Fix, "\nALTER TABLE \"Post\" VALIDATE CONSTRAINT \"Post_authorId_user_fkey\";") {
		t.Errorf("fix: %s", f.Fix)
	}
}
