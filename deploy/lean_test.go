package deploy

import (
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// TestParseLean: the lean parse of large files finds the statements the full
// parse finds, with the same text, and the same execution mode.
func TestParseLean(t *testing.T) {
	for _, c := range []struct{ name, sql string }{
		{"transactional", initSQL + "\n-- Backfill\nINSERT INTO \"User\" (\"id\", \"email\") VALUES ('1', 'a;b');\n"},
		{"concurrently", "-- CreateTable\nCREATE TABLE \"Tag\" (\"id\" INTEGER);\n\n-- CreateIndex\nCREATE INDEX CONCURRENTLY \"Tag_id_idx\" ON \"Tag\"(\"id\");\nUPDATE \"Tag\" SET \"id\" = 1;\n"},
		{"own transaction", "BEGIN;\nINSERT INTO \"Tag\" VALUES (1);\nCOMMIT;\n"},
		{"function body", "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\nSELECT f();\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			full, err := sqlfile.Parse("m.sql", []byte(c.sql))
			if err != nil {
				t.Fatal(err)
			}
			lean, err := parseLean("m.sql", []byte(c.sql))
			if err != nil {
				t.Fatal(err)
			}
			if len(lean.Errors) > 0 || len(lean.Stmts) != len(full.Stmts) {
				t.Fatalf("lean: %d statements, errors %v; full: %d statements", len(lean.Stmts), lean.Errors, len(full.Stmts))
			}
			for i, s := range lean.Stmts {
				if got, want := strings.TrimSpace(lean.Text(s)), full.Text(full.Stmts[i]); !strings.HasSuffix(got, want) {
					t.Errorf("statement %d: lean %q, full %q", i, got, want)
				}
			}
			if modeOf(lean, 15) != modeOf(full, 15) {
				t.Errorf("lean mode %v, full mode %v", modeOf(lean, 15), modeOf(full, 15))
			}
		})
	}
}

// TestParseLeanSyntaxError: a file the parser rejects is sent as one query,
// for the server to report the error with its position.
func TestParseLeanSyntaxError(t *testing.T) {
	f, err := parseLean("m.sql", []byte("CREATE TABLE \"A\" (\"id\" INTEGER);\nCREATE TABLEX \"B\";\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Errors) == 0 {
		t.Fatal("no error for a file that does not parse")
	}
}
