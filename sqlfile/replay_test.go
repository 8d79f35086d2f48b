package sqlfile_test

import (
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// TestParseForReplay checks that the replay-only parse gives the replay the
// same statements as Parse: the same nodes and ends, starts at or before
// Parse's (leading comments included), and the same syntax errors.
func TestParseForReplay(t *testing.T) {
	for _, tc := range []struct{ name, src string }{
		{"prisma", prismaWarnings},
		{"schema-qualified", "-- CreateTable\nCREATE TABLE \"public\".\"User\" (\n    \"id\" SERIAL NOT NULL,\n    \"createdAt\" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\")\n);\n"},
		{"explicit transaction", "-- AlterEnum\nBEGIN;\nCREATE TYPE \"Role_new\" AS ENUM ('USER');\nALTER TABLE \"User\" ALTER COLUMN \"role\" TYPE \"Role_new\" USING (\"role\"::text::\"Role_new\");\nCOMMIT;\n"},
		{"goose down section", "-- +goose Up\nCREATE TABLE t (id int);\n-- +goose Down\nDROP TABLE t;\n"},
		{"goose no transaction", "-- +goose Up\n-- +goose NO TRANSACTION\nCREATE INDEX CONCURRENTLY i ON t (id);\n"},
		{"syntax error recovered", "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN \"a\" TEXT;\nALTER TABLE \"User\" ADDD COLUMN \"b\" TEXT;\nCREATE INDEX \"i\" ON \"User\"(\"a\");\n"},
		{"begin atomic", "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;\nSELEC 1;"},
		{"empty", "-- This is an empty migration."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			full := mustParse(t, tc.src)
			fast, err := sqlfile.ParseForReplay("migration.sql", []byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			if len(fast.Stmts) != len(full.Stmts) || fast.NoTransaction != full.NoTransaction || !equal(errorsOf(fast), errorsOf(full)) {
				t.Fatalf("got %d statements, NoTransaction %v, errors %q; Parse gives %d, %v, %q",
					len(fast.Stmts), fast.NoTransaction, errorsOf(fast), len(full.Stmts), full.NoTransaction, errorsOf(full))
			}
			for i, s := range fast.Stmts {
				want := full.Stmts[i]
				if !proto.Equal(s.Node, want.Node) || s.End != want.End || s.Start > want.Start || s.Index != i {
					t.Errorf("statement %d: [%d,%d) index %d, Parse gives [%d,%d), or the nodes differ", i, s.Start, s.End, s.Index, want.Start, want.End)
				}
			}
		})
	}
}

// TestParseForReplayInputErrors checks that text that is not SQL fails the
// same way as with Parse.
func TestParseForReplayInputErrors(t *testing.T) {
	for _, src := range []string{"SELECT 1;\x00", "SELECT '\xff';"} {
		_, err1 := sqlfile.Parse("m.sql", []byte(src))
		_, err2 := sqlfile.ParseForReplay("m.sql", []byte(src))
		if err1 == nil || err2 == nil || err1.Error() != err2.Error() {
			t.Errorf("%q: Parse: %v; ParseForReplay: %v", src, err1, err2)
		}
	}
}
