package rules_test

import (
	"context"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/ruledoc"
)

func TestConstraintMissingNotValid(t *testing.T) {
	runCases(t, "constraint-missing-not-valid", []ruleCase{
		{name: "column with a default and REFERENCES", history: exampleHistory,
			sql: "ALTER TABLE \"Post\" ADD COLUMN \"editorId\" INTEGER DEFAULT 1 REFERENCES \"User\"(\"id\") ON DELETE SET NULL;\n", want: []string{"1:20"}},
		{name: "column with REFERENCES and no default is not checked", history: exampleHistory,
			sql: "ALTER TABLE \"Post\" ADD COLUMN \"editorId\" INTEGER REFERENCES \"User\"(\"id\");\n"},
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

// TestReferencingDefaultOnPostgres holds the ADD COLUMN ... REFERENCES case
// to the server: with a default the new foreign key scans the table, without
// one it does not (pg_stat_xact_user_tables counts the scans the backend has
// not yet reported), and the fix runs on a table with rows, keeps them, and lints
// clean of the finding.
func TestReferencingDefaultOnPostgres(t *testing.T) {
	db := newPGDB(t)
	db.exec(t, ruledoc.History)
	db.exec(t, `INSERT INTO "User" ("email") SELECT 'u' || g FROM generate_series(1, 3) g;
		INSERT INTO "Post" ("title", "authorId") SELECT 't' || g, 1 + g % 3 FROM generate_series(1, 300) g`)
	ctx := context.Background()
	scans := func(sql string) int {
		tx, err := db.conn.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		count := func() int {
			var n int
			if err := tx.QueryRow(ctx, `SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) FROM pg_stat_xact_user_tables WHERE relname = 'Post'`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := count() // the backend's counts not yet flushed include earlier transactions'
		if _, err := tx.Exec(ctx, sql); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
		return count() - before
	}
	withDefault := `ALTER TABLE "Post" ADD COLUMN "editorId" INTEGER DEFAULT 1 REFERENCES "User"("id") ON DELETE SET NULL;`
	without := `ALTER TABLE "Post" ADD COLUMN "editorId" INTEGER REFERENCES "User"("id") ON DELETE SET NULL;`
	if n := scans(withDefault); n == 0 {
		t.Errorf("with a default, PostgreSQL did not scan \"Post\": the finding would be wrong")
	}
	if n := scans(without); n != 0 {
		t.Errorf("without a default, PostgreSQL scanned \"Post\" %d times: the rule should flag it", n)
	}

	fs := lintSQL(t, exampleHistory, withDefault, 0)
	var fix string
	for _, f := range fs {
		if f.Rule == "constraint-missing-not-valid" {
			fix = f.Fix
		}
	}
	first, second, ok := strings.Cut(fix, "-- Migration 2")
	if !ok {
		t.Fatalf("no two-step fix:\n%s", dump(fs))
	}
	second = "-- Migration 2" + second
	if got := positions(lintSQL(t, exampleHistory, first, 0), "constraint-missing-not-valid"); len(got) > 0 {
		t.Errorf("the fix is flagged too:\n%s", first)
	}
	if got := positions(lintSQL(t, append(exampleHistory, first), second, 0), "constraint-missing-not-valid"); len(got) > 0 {
		t.Errorf("the fix's validation is flagged:\n%s", second)
	}
	db.exec(t, first)
	db.exec(t, second)
	var rows, set int
	db.queryRow(t, `SELECT count(*), count(*) FILTER (WHERE "editorId" = 1) FROM "Post"`, nil, &rows, &set)
	if rows != 300 || set != 300 {
		t.Errorf("after the fix: %d rows, %d with the default; want 300 and 300", rows, set)
	}
	var valid bool
	db.queryRow(t, `SELECT convalidated FROM pg_constraint WHERE conname = 'Post_editorId_fkey'`, nil, &valid)
	if !valid {
		t.Error("the foreign key is not validated after the fix")
	}
}
