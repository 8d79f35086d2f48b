package sqlfile_test

import (
	"reflect"
	"strings"
	"testing"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/sqlfile"
)

func TestExpandBlocks(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string // stmtsOf after ExpandBlocks
	}{
		{
			"statements at any depth, in body order",
			"SELECT 1;\nDO $$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'r') THEN\n    CREATE TYPE r AS ENUM ('a');\n  ELSE\n    ALTER TYPE r ADD VALUE 'b';\n  END IF;\n  -- a comment\n  CREATE INDEX i ON t (a);\nEXCEPTION WHEN duplicate_object THEN NULL;\nEND $$;\nSELECT 2;",
			[]string{"1:1 SELECT 1", "5:5 CREATE TYPE r AS ENUM ('a')", "7:5 ALTER TYPE r ADD VALUE 'b'", "10:3 CREATE INDEX i ON t (a)", "13:1 SELECT 2"},
		},
		{
			"EXECUTE of a constant string, doubled quotes included",
			"DO $body$ BEGIN\n  EXECUTE 'ALTER TABLE t ADD c text DEFAULT ''x''';\n  EXECUTE format('DROP TABLE %I', 't');\nEND $body$;",
			[]string{"2:12 ALTER TABLE t ADD c text DEFAULT ''x''"},
		},
		{
			"a body written as a quoted string",
			"DO 'BEGIN DELETE FROM t WHERE a = ''x''; END';",
			[]string{"1:11 DELETE FROM t WHERE a = ''x''"},
		},
		{"no SQL inside", "DO $$ BEGIN RAISE NOTICE 'hi'; END $$;", []string{"1:1 DO $$ BEGIN RAISE NOTICE 'hi'; END $$"}},
		{"another language", "DO LANGUAGE plperl $$ print 1 $$;", []string{"1:1 DO LANGUAGE plperl $$ print 1 $$"}},
		{"a body that does not parse", "DO $$ BEGIN ALTER TABLE; END $$;", []string{"1:1 DO $$ BEGIN ALTER TABLE; END $$"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := mustParse(t, c.src)
			f.ExpandBlocks()
			if got := stmtsOf(f); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

// TestExpandBlocksNodes checks what rules rely on: node locations and tokens
// point into the file, and each inner statement names its DO statement.
func TestExpandBlocksNodes(t *testing.T) {
	src := "DO $$\nBEGIN\n  EXECUTE 'ALTER TABLE \"User\" ADD CONSTRAINT c CHECK (a <> '''')';\nEND $$;"
	f := mustParse(t, src)
	f.ExpandBlocks()
	if len(f.Stmts) != 1 {
		t.Fatalf("%d statements", len(f.Stmts))
	}
	s := f.Stmts[0]
	if s.Block == nil || s.Block.Start != 0 || s.Block.End != len(src)-1 {
		t.Errorf("Block = %+v", s.Block)
	}
	at := s.Node.GetAlterTableStmt()
	if got := src[at.Relation.Location:][:6]; got != `"User"` {
		t.Errorf("relation location points at %q", got)
	}
	var words []string
	for _, tok := range f.Tokens(s.Start, s.End) {
		words = append(words, src[tok.Start:tok.End])
		if tok.Token == pg.Token_SCONST && src[tok.Start:tok.End] != "''''" {
			t.Errorf("string token %q", src[tok.Start:tok.End])
		}
	}
	if got := strings.Join(words, " "); got != `ALTER TABLE "User" ADD CONSTRAINT c CHECK ( a <> '''' )` {
		t.Errorf("tokens %s", got)
	}
}

// TestExpandBlocksSyntaxError checks that a constant EXECUTE string that
// PostgreSQL rejects is a syntax error at its place in the file.
func TestExpandBlocksSyntaxError(t *testing.T) {
	f := mustParse(t, "DO $$\nBEGIN\n  EXECUTE 'ALTER TABLE t ADD COLUMN';\nEND $$;")
	f.ExpandBlocks()
	if len(f.Errors) != 1 || at(f, f.Errors[0].Offset) != "3:36" {
		t.Fatalf("errors %v", f.Errors)
	}
}

// TestExpandBlocksForReplay checks that a file parsed for replay only (no
// tokens) expands too, so the schema knows what its blocks create.
func TestExpandBlocksForReplay(t *testing.T) {
	f, err := sqlfile.ParseForReplay("m.sql", []byte("DO $$ BEGIN CREATE TABLE t (a int); END $$;"))
	if err != nil {
		t.Fatal(err)
	}
	f.ExpandBlocks()
	if len(f.Stmts) != 1 || f.Stmts[0].Node.GetCreateStmt() == nil {
		t.Errorf("statements %v", f.Stmts)
	}
}
