package rules_test

import (
	"strings"
	"testing"
)

func TestConstraintMissingNotValid(t *testing.T) {
	runCases(t, "constraint-missing-not-valid", []ruleCase{
		{name: "prisma relation added to an existing model", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"Post\" ADD COLUMN     \"editorId\" INTEGER;\n\n-- AddForeignKey\nALTER TABLE \"Post\" ADD CONSTRAINT \"Post_editorId_fkey\" FOREIGN KEY (\"editorId\") REFERENCES \"User\"(\"id\") ON DELETE SET NULL ON UPDATE CASCADE;\n",
			want: []string{"5:20"}},
		{name: "check constraint, schema-qualified", history: exampleHistory,
			sql:  "ALTER TABLE \"public\".\"Post\" ADD CONSTRAINT \"Post_views_check\" CHECK (\"views\" >= 0);\n",
			want: []string{"1:29"}},
		{name: "unnamed foreign key in a second clause", history: exampleHistory,
			sql:  "ALTER TABLE \"Post\" ADD COLUMN \"reviewerId\" INTEGER,\n  ADD FOREIGN KEY (\"reviewerId\") REFERENCES \"User\"(\"id\");\n",
			want: []string{"2:3"}},
		{name: "NOT VALID", history: exampleHistory,
			sql: "-- AddForeignKey\nALTER TABLE \"Post\" ADD CONSTRAINT \"Post_editorId_fkey\" FOREIGN KEY (\"authorId\") REFERENCES \"User\"(\"id\") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;\n"},
		{name: "new model referencing an existing one", history: exampleHistory,
			sql: "-- CreateTable\nCREATE TABLE \"Comment\" (\n    \"id\" SERIAL NOT NULL,\n    \"postId\" INTEGER NOT NULL,\n    \"body\" TEXT NOT NULL,\n    \"createdAt\" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,\n\n    CONSTRAINT \"Comment_pkey\" PRIMARY KEY (\"id\")\n);\n\n-- AddForeignKey\nALTER TABLE \"public\".\"Comment\" ADD CONSTRAINT \"Comment_postId_fkey\" FOREIGN KEY (\"postId\") REFERENCES \"Post\"(\"id\") ON DELETE RESTRICT ON UPDATE CASCADE;\n"},
		{name: "check NOT VALID", history: exampleHistory,
			sql: "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_views_check\" CHECK (\"views\" >= 0) NOT VALID;\n"},
		{name: "unique constraint is not this rule's", history: exampleHistory,
			sql: "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_title_key\" UNIQUE (\"title\");\n"},
	})
}

func TestConstraintMissingNotValidFix(t *testing.T) {
	// "Post_authorId_fkey" exists already: PostgreSQL would number the new one.
	wantFix(t, exampleHistory,
		"ALTER TABLE \"Post\" ADD FOREIGN KEY (\"authorId\") REFERENCES \"User\"(\"id\"), ADD FOREIGN KEY (\"authorId\") REFERENCES \"User\"(\"id\");",
		"constraint-missing-not-valid",
		"ADD CONSTRAINT \"Post_authorId_fkey1\" FOREIGN KEY", "ADD CONSTRAINT \"Post_authorId_fkey2\" FOREIGN KEY",
		"VALIDATE CONSTRAINT \"Post_authorId_fkey1\";", "VALIDATE CONSTRAINT \"Post_authorId_fkey2\";")
	const two = "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_views_check\" CHECK (\"views\" >= 0),\n" +
		"  ADD CONSTRAINT \"Post_title_key\" UNIQUE (\"title\"),\n" +
		"  ADD CONSTRAINT \"Post_authorId_user_fkey\" FOREIGN KEY (\"authorId\") REFERENCES \"User\"(\"id\") -- the author\n;"
	fs := lintSQL(t, exampleHistory, two, 0)
	if got := positions(fs, "constraint-missing-not-valid"); len(got) != 2 {
		t.Fatalf("want two findings, got %v", got)
	}
	want := "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_views_check\" CHECK (\"views\" >= 0) NOT VALID,\n" +
		"  ADD CONSTRAINT \"Post_title_key\" UNIQUE (\"title\"),\n" +
		"  ADD CONSTRAINT \"Post_authorId_user_fkey\" FOREIGN KEY (\"authorId\") REFERENCES \"User\"(\"id\") NOT VALID -- the author\n;\n" +
		"-- Migration 2 (a separate, later migration): check existing rows while reads and writes go on.\n" +
		"ALTER TABLE \"Post\" VALIDATE CONSTRAINT \"Post_views_check\";\n" +
		"ALTER TABLE \"Post\" VALIDATE CONSTRAINT \"Post_authorId_user_fkey\";"
	for _, f := range fs {
		if f.Rule == "constraint-missing-not-valid" && !strings.HasSuffix(f.Fix, want) {
			t.Errorf("fix:\n%s\nwant it to end with:\n%s", f.Fix, want)
		}
	}
	wantFix(t, exampleHistory,
		"ALTER TABLE ONLY \"public\".\"Post\" ADD COLUMN \"reviewerId\" INTEGER,\n  ADD FOREIGN KEY (\"reviewerId\") REFERENCES \"User\"(\"id\") ON DELETE SET NULL;\n",
		"constraint-missing-not-valid",
		"ALTER TABLE ONLY \"public\".\"Post\" ADD COLUMN \"reviewerId\" INTEGER,\n  ADD CONSTRAINT \"Post_reviewerId_fkey\" FOREIGN KEY (\"reviewerId\") REFERENCES \"User\"(\"id\") ON DELETE SET NULL NOT VALID;\n",
		"ALTER TABLE \"Post\" VALIDATE CONSTRAINT \"Post_reviewerId_fkey\";")
	wantFix(t, exampleHistory,
		"-- AddForeignKey\nALTER TABLE \"Post\" ADD CONSTRAINT \"Post_editorId_fkey\" FOREIGN KEY (\"authorId\") REFERENCES \"User\"(\"id\") ON DELETE RESTRICT ON UPDATE CASCADE;\n",
		"constraint-missing-not-valid",
		"ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_editorId_fkey\" FOREIGN KEY (\"authorId\") REFERENCES \"User\"(\"id\") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;\n",
		"ALTER TABLE \"Post\" VALIDATE CONSTRAINT \"Post_editorId_fkey\";")
}
