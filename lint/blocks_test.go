package lint_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/migrate-guard/migrate-guard/lint"
)

// TestDoBlocks checks that statements give the same findings, on the same
// text, whether they run at top level, as the SQL statements of a DO block's
// body, as constant strings that the body EXECUTEs, or in the body of a
// function that the file creates and then calls.
func TestDoBlocks(t *testing.T) {
	cases := []struct{ name, sql string }{
		{"check without NOT VALID", `ALTER TABLE "Post" ADD CONSTRAINT "Post_title_check" CHECK (char_length("title") > 0);`},
		{"index without CONCURRENTLY", `CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");`},
		{"required column", `ALTER TABLE "User" ADD COLUMN "score" INTEGER NOT NULL;`},
		{"set not null", `ALTER TABLE "User" ALTER COLUMN "name" SET NOT NULL;`},
		{"drop column", `ALTER TABLE "Post" DROP COLUMN "content";`},
		{"type rewrite", `ALTER TABLE "User" ALTER COLUMN "email" TYPE VARCHAR(100);`},
		{"foreign key", `ALTER TABLE "Post" ADD CONSTRAINT "Post_author_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE CASCADE;`},
		{"quoted literal", `ALTER TABLE "User" ADD COLUMN "nick" TEXT NOT NULL DEFAULT 'n/a', ADD CONSTRAINT "User_nick_check" CHECK ("nick" <> '');`},
		{"two statements", "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_c\" CHECK (\"id\" > 0);\nCREATE UNIQUE INDEX \"Post_title_key\" ON \"Post\"(\"title\");"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			top := lintLast(t, lint.DefaultConfig(), prismaHistory, c.sql+"\n")
			if len(top) == 0 {
				t.Fatalf("no findings at top level: the case tests nothing")
			}
			lines := strings.Split(c.sql, "\n")
			var plain, exec, fn strings.Builder
			fn.WriteString("CREATE OR REPLACE FUNCTION \"migrate_data\"() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n")
			plain.WriteString("-- Guarded\nDO $$\nBEGIN\n")
			exec.WriteString("DO $$\nBEGIN\n")
			for _, l := range lines {
				fmt.Fprintf(&plain, "  %s\n", l)
				fmt.Fprintf(&fn, "  %s\n", l)
				fmt.Fprintf(&exec, "  EXECUTE '%s';\n", strings.ReplaceAll(strings.TrimSuffix(l, ";"), "'", "''"))
			}
			plain.WriteString("EXCEPTION WHEN duplicate_object THEN NULL;\nEND $$;\n")
			exec.WriteString("END;\n$$;\n")
			fn.WriteString("END;\n$$;\n\nSELECT \"migrate_data\"();\nDROP FUNCTION \"migrate_data\"();\n")
			for _, wrapped := range []struct {
				name, sql string
				shift     int
			}{{"DO", plain.String(), 3}, {"EXECUTE", exec.String(), 2}, {"function called by the file", fn.String(), 2}} {
				got := lintLast(t, lint.DefaultConfig(), prismaHistory, wrapped.sql)
				if a, b := shape(top, c.sql, 0), shape(got, wrapped.sql, wrapped.shift); a != b {
					t.Errorf("%s: findings differ\ntop level:\n%s%s\nin the block:\n%s%s", wrapped.name, a, dump(top), b, dump(got))
				}
			}
		})
	}
}

// shape renders findings as "line rule: first words of the flagged text",
// lines counted from the first statement.
func shape(fs []lint.Finding, src string, shift int) string {
	lines := strings.Split(src, "\n")
	var b strings.Builder
	for _, f := range fs {
		text := ""
		if f.Line <= len(lines) {
			l := lines[f.Line-1]
			i := 0
			for c := 1; c < f.Column && i < len(l); c++ {
				_, n := utf8.DecodeRuneInString(l[i:])
				i += n
			}
			text = strings.ReplaceAll(l[i:min(len(l), i+20)], "''", "'")
		}
		fmt.Fprintf(&b, "%d %s: %s\n", f.Line-shift, f.Rule, text)
	}
	return b.String()
}

// TestFunctionBodies checks which function bodies are linted: the body of
// a function the file creates and calls runs during the migration, once
// per call, and is linted once; a function it only creates (a trigger's)
// runs later, per row, and is not.
func TestFunctionBodies(t *testing.T) {
	const body = "CREATE FUNCTION \"backfill\"() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n  UPDATE \"Post\" SET \"published\" = true;\nEND;\n$$;\n"
	for _, c := range []struct {
		name, sql, want string
	}{
		{"called twice", body + "SELECT \"backfill\"();\nSELECT public.\"backfill\"();\n", "3:3-3:38 update-or-delete-without-where\n"},
		{"called with CALL", strings.Replace(body, "FUNCTION \"backfill\"() RETURNS void", "PROCEDURE \"backfill\"()", 1) + "CALL \"backfill\"();\n",
			"3:3-3:38 update-or-delete-without-where\n"},
		{"never called", body, ""},
		{"called from a query over a table", body + "SELECT \"backfill\"() FROM \"Post\" LIMIT 1;\n", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := lintLast(t, lint.DefaultConfig(), prismaHistory, c.sql)
			if b := brief(got); b != c.want {
				t.Errorf("findings\n%s, want\n%s\n%s", b, c.want, dump(got))
			}
		})
	}
}
