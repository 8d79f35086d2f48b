package sqlfile_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// at renders a byte offset of f as "line:col".
func at(f *sqlfile.File, off int) string {
	p := f.Position(off)
	return fmt.Sprintf("%d:%d", p.Line, p.Col)
}

// mustParse parses src and fails the test on an input error.
func mustParse(t *testing.T, src string) *sqlfile.File {
	t.Helper()
	f, err := sqlfile.Parse("migration.sql", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return f
}

// stmtsOf lists "line:col text" for every statement of f.
func stmtsOf(f *sqlfile.File) []string {
	var out []string
	for i, s := range f.Stmts {
		if s.Index != i {
			out = append(out, fmt.Sprintf("Index %d at position %d", s.Index, i))
		}
		out = append(out, at(f, s.Start)+" "+f.Text(s))
	}
	return out
}

// errorsOf lists "line:col message" for every syntax error of f.
func errorsOf(f *sqlfile.File) []string {
	var out []string
	for _, e := range f.Errors {
		out = append(out, at(f, e.Offset)+" "+e.Message)
	}
	return out
}

func equal(a, b []string) bool {
	return strings.Join(a, "\x00") == strings.Join(b, "\x00") && len(a) == len(b)
}

const prismaWarnings = `/*
  Warnings:

  - You are about to drop the column ` + "`bio`" + ` on the ` + "`User`" + ` table. All the data in the column will be lost.
  - Added the required column ` + "`slug`" + ` to the ` + "`Post`" + ` table without a default value. This is not possible if the table is not empty.

*/
-- AlterTable
ALTER TABLE "User" DROP COLUMN "bio";

-- AlterTable
ALTER TABLE "Post" ADD COLUMN     "slug" TEXT NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "Post_slug_key" ON "Post"("slug");
`

func TestStatementSpans(t *testing.T) {
	cases := []struct {
		name     string
		src      string
		want     []string   // "line:col text" of each statement
		comments [][]string // comments before each statement, when checked
	}{
		{
			name: "prisma warnings header and AlterTable lines",
			src:  prismaWarnings,
			want: []string{
				`9:1 ALTER TABLE "User" DROP COLUMN "bio"`,
				`12:1 ALTER TABLE "Post" ADD COLUMN     "slug" TEXT NOT NULL`,
				`15:1 CREATE UNIQUE INDEX "Post_slug_key" ON "Post"("slug")`,
			},
			comments: [][]string{
				{prismaWarnings[:strings.Index(prismaWarnings, "*/")+2], "-- AlterTable"},
				{"-- AlterTable"},
				{"-- CreateIndex"},
			},
		},
		{
			name:     "create table spanning lines",
			src:      "-- CreateTable\nCREATE TABLE \"public\".\"User\" (\n    \"id\" SERIAL NOT NULL,\n    \"createdAt\" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,\n\n    CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\")\n);\n",
			want:     []string{"2:1 CREATE TABLE \"public\".\"User\" (\n    \"id\" SERIAL NOT NULL,\n    \"createdAt\" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,\n\n    CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\")\n)"},
			comments: [][]string{{"-- CreateTable"}},
		},
		{
			name:     "comments between statements on one line",
			src:      `CREATE TABLE a (x int); /* one */ -- two` + "\n" + `  DROP TABLE a;`,
			want:     []string{"1:1 CREATE TABLE a (x int)", "2:3 DROP TABLE a"},
			comments: [][]string{nil, {"/* one */", "-- two"}},
		},
		{
			name: "last statement without semicolon, trailing blanks trimmed",
			src:  "SELECT 1;\n\nSELECT 2  \n\t\n",
			want: []string{"1:1 SELECT 1", "3:1 SELECT 2"},
		},
		{
			name: "trailing comment after the last statement is not a statement",
			src:  "-- AlterTable\nALTER TABLE \"A\" ADD COLUMN \"b\" TEXT;\n-- the end\n",
			want: []string{`2:1 ALTER TABLE "A" ADD COLUMN "b" TEXT`},
		},
		{
			name: "comment inside a statement stays in it",
			src:  "CREATE TABLE t (\n  a int -- the a\n);",
			want: []string{"1:1 CREATE TABLE t (\n  a int -- the a\n)"},
		},
		{
			name:     "CRLF line endings",
			src:      "-- AlterTable\r\nALTER TABLE \"A\" ADD COLUMN \"b\" TEXT;\r\n\r\n-- CreateIndex\r\nCREATE INDEX \"A_b_idx\" ON \"A\"(\"b\");\r\n",
			want:     []string{`2:1 ALTER TABLE "A" ADD COLUMN "b" TEXT`, `5:1 CREATE INDEX "A_b_idx" ON "A"("b")`},
			comments: [][]string{{"-- AlterTable"}, {"-- CreateIndex"}},
		},
		{
			name: "multi-byte text before a statement",
			src:  "-- Ajoute la colonne « prénom »\nALTER TABLE \"Ünïcode\" ADD COLUMN \"prénom\" TEXT; SELECT 'é';",
			want: []string{`2:1 ALTER TABLE "Ünïcode" ADD COLUMN "prénom" TEXT`, `2:49 SELECT 'é'`},
		},
		{
			name: "tabs count as one column",
			src:  "\t\tDROP TABLE a;",
			want: []string{"1:3 DROP TABLE a"},
		},
		{
			name: "empty statements between semicolons",
			src:  "SELECT 1;;\n;SELECT 2;",
			want: []string{"1:1 SELECT 1", "2:2 SELECT 2"},
		},
		{name: "prisma empty migration", src: "-- This is an empty migration.", want: nil},
		{name: "empty migration with newline", src: "-- This is an empty migration.\n", want: nil},
		{name: "empty file", src: "", want: nil},
		{name: "blank file", src: " \n\t\r\n", want: nil},
		{name: "only block comments", src: "/* a */ /* nested /* b */ c */\n", want: nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := mustParse(t, c.src)
			if got := stmtsOf(f); !equal(got, c.want) {
				t.Errorf("statements:\n got %q\nwant %q", got, c.want)
			}
			if len(f.Errors) > 0 {
				t.Errorf("unexpected syntax errors %q", errorsOf(f))
			}
			for i, want := range c.comments {
				if i >= len(f.Stmts) {
					break
				}
				var got []string
				for _, cm := range f.Stmts[i].Comments {
					if cm.Text != c.src[cm.Start:cm.End] {
						t.Errorf("comment %q does not match its span %q", cm.Text, c.src[cm.Start:cm.End])
					}
					got = append(got, cm.Text)
				}
				if !equal(got, want) {
					t.Errorf("comments of statement %d: got %q, want %q", i, got, want)
				}
			}
		})
	}
}

func TestPosition(t *testing.T) {
	cases := []struct {
		name string
		src  string
		at   string // the text whose first byte is looked up; "" means the end of the file
		want string
	}{
		{"first byte", "SELECT 1;", "SELECT", "1:1"},
		{"same line", "SELECT 1;", "1;", "1:8"},
		{"second line", "SELECT 1;\nSELECT 2;", "2;", "2:8"},
		{"after two-byte characters", "SELECT 'éé', x;", "x;", "1:14"},
		{"after a three-byte character", "-- €\nSELECT '€€', y;", "y;", "2:14"},
		{"after a four-byte character", "SELECT '😀' AS z;", "z;", "1:15"},
		{"multi-byte on an earlier line only", "-- ééé\nSELECT w;", "w;", "2:8"},
		{"CRLF", "SELECT 1;\r\nSELECT 2;\r\n", "2;", "2:8"},
		{"CRLF third line", "a\r\nb\r\nc", "c", "3:1"},
		{"tab", "\tSELECT v;", "v;", "1:9"},
		{"end of file after newline", "SELECT 1;\n", "", "2:1"},
		{"end of file without newline", "SELECT 1;", "", "1:10"},
		{"empty file", "", "", "1:1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := mustParse(t, c.src)
			off := len(c.src)
			if c.at != "" {
				off = strings.Index(c.src, c.at)
			}
			if got := at(f, off); got != c.want {
				t.Errorf("Position(%d) = %s, want %s", off, got, c.want)
			}
		})
	}
	f := mustParse(t, "SELECT 1;")
	if got := at(f, 100); got != "1:10" {
		t.Errorf("Position past the end = %s, want the end 1:10", got)
	}
}

func TestLine(t *testing.T) {
	f := mustParse(t, "-- a\r\nSELECT 1;\n\nSELECT 2;")
	for n, want := range map[int]string{0: "", 1: "-- a", 2: "SELECT 1;", 3: "", 4: "SELECT 2;", 5: ""} {
		if got := f.Line(n); got != want {
			t.Errorf("Line(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestSyntaxErrors(t *testing.T) {
	cases := []struct {
		name   string
		src    string
		errors []string // "line:col" and a fragment of the message
		stmts  []string // the statements kept, as in TestStatementSpans
	}{
		{
			name:   "typo in a single statement",
			src:    "-- CreateTable\nCREAT TABLE \"A\" (\"id\" INTEGER);\n",
			errors: []string{`2:1 syntax error at or near "CREAT"`},
		},
		{
			name:   "unexpected end of input points one past the last character",
			src:    `CREATE TABLE "A" ("id" INTEGER`,
			errors: []string{"1:31 syntax error at end of input"},
		},
		{
			name:   "end of input with multi-byte characters",
			src:    `CREATE TABLE "Été" ("prénom" TEXT`,
			errors: []string{"1:34 syntax error at end of input"},
		},
		{
			name:   "multi-byte characters before the error on the same line",
			src:    "SELECT 'ééé' FRO x;",
			errors: []string{`1:18 syntax error at or near "x"`},
		},
		{
			name:   "multi-byte characters on earlier lines",
			src:    "-- Ajoute « prénom » à l'utilisateur\nALTER TABLE \"Ütilisateur\" ADD COLUMN \"prénom\" TEXT;\nALTER TABLE \"Ütilisateur\" ADD COLUMNN \"nom\" TEXT;\n",
			errors: []string{`3:45 syntax error at or near "TEXT"`}, // ADD's COLUMN is optional: COLUMNN is the name
			stmts:  []string{`2:1 ALTER TABLE "Ütilisateur" ADD COLUMN "prénom" TEXT`},
		},
		{
			name: "one bad statement among good ones",
			src: `-- CreateTable
CREATE TABLE "User" ("id" SERIAL NOT NULL);

-- AlterTable
ALTER TABLE "User" ADD COLUMN "name" TEXT NOT NUL;

-- CreateIndex
CREATE INDEX "User_id_idx" ON "User"("id");
`,
			errors: []string{`5:47 syntax error at or near "NUL"`},
			stmts: []string{
				`2:1 CREATE TABLE "User" ("id" SERIAL NOT NULL)`,
				`8:1 CREATE INDEX "User_id_idx" ON "User"("id")`,
			},
		},
		{
			name:   "two bad statements",
			src:    "SELEC 1;\nSELECT 2;\nSELECT 3 FROM;\n",
			errors: []string{`1:1 syntax error at or near "SELEC"`, "3:14 syntax error at or near \";\""},
			stmts:  []string{"2:1 SELECT 2"},
		},
		{
			name:   "bad last statement without semicolon",
			src:    "SELECT 1;\nDROP TABLE",
			errors: []string{"2:11 syntax error at end of input"},
			stmts:  []string{"1:1 SELECT 1"},
		},
		{
			name:   "unterminated quoted string",
			src:    "SELECT 1;\nINSERT INTO \"A\" VALUES ('oops);\nSELECT 2;\n",
			errors: []string{"2:25 unterminated quoted string"},
		},
		{
			name:   "unterminated quoted identifier",
			src:    "ALTER TABLE \"A ADD COLUMN b int;",
			errors: []string{"1:13 unterminated quoted identifier"},
		},
		{
			name:   "unterminated block comment",
			src:    "/* Warnings:\n  - something\nALTER TABLE \"A\" DROP COLUMN \"b\";\n",
			errors: []string{"1:1 unterminated /* comment"},
		},
		{
			name:   "PostgreSQL 18 virtual generated column",
			src:    "-- AlterTable\nALTER TABLE t ADD COLUMN c int GENERATED ALWAYS AS (a+1) VIRTUAL;\n",
			errors: []string{`2:58 syntax error at or near "VIRTUAL"`},
		},
		{
			name:   "PostgreSQL 18 NOT ENFORCED between good statements",
			src:    "SELECT 1;\nALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT ENFORCED;\nSELECT 2;",
			errors: []string{`2:50 syntax error at or near "ENFORCED"`},
			stmts:  []string{"1:1 SELECT 1", "3:1 SELECT 2"},
		},
		{
			name:   "MySQL syntax",
			src:    "CREATE TABLE `User` (`id` INTEGER NOT NULL AUTO_INCREMENT);",
			errors: []string{"1:14 syntax error at or near \"`\""},
		},
		{
			name: "bad statement after a BEGIN ATOMIC function",
			src: `CREATE FUNCTION add_one(i int) RETURNS int LANGUAGE sql
BEGIN ATOMIC
  SELECT i + 1;
  SELECT i;
END;
SELEC 1;
`,
			errors: []string{`6:1 syntax error at or near "SELEC"`},
			stmts:  []string{"1:1 CREATE FUNCTION add_one(i int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT i + 1;\n  SELECT i;\nEND"},
		},
		{
			name: "bad statement inside a BEGIN ATOMIC body",
			src: `SELECT 0;
CREATE PROCEDURE p() LANGUAGE sql
BEGIN ATOMIC
  SELEC 1;
END;
SELECT 2;
`,
			errors: []string{`4:3 syntax error at or near "SELEC"`},
			stmts:  []string{"1:1 SELECT 0", "6:1 SELECT 2"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := mustParse(t, c.src)
			got := errorsOf(f)
			ok := len(got) == len(c.errors)
			for i := 0; ok && i < len(got); i++ {
				ok = strings.HasPrefix(got[i], c.errors[i])
			}
			if !ok {
				t.Errorf("errors:\n got %q\nwant %q", got, c.errors)
			}
			if s := stmtsOf(f); !equal(s, c.stmts) {
				t.Errorf("statements kept:\n got %q\nwant %q", s, c.stmts)
			}
		})
	}
}

// TestRecoveredLocations checks that statements parsed again after a syntax
// error carry node locations relative to the file, as rules expect.
func TestRecoveredLocations(t *testing.T) {
	src := "-- AlterTable\nALTER TABLE \"A\" ADD COLUMN \"x\" TEXT NOT NUL;\n\n-- AlterTable\nALTER TABLE \"public\".\"B\" ADD COLUMN \"y\" TEXT, DROP COLUMN \"z\";\n"
	f := mustParse(t, src)
	if len(f.Errors) != 1 || len(f.Stmts) != 1 {
		t.Fatalf("got errors %q and statements %q", errorsOf(f), stmtsOf(f))
	}
	s := f.Stmts[0]
	rel := s.Node.GetAlterTableStmt().GetRelation()
	if want := strings.Index(src, `"public"."B"`); int(rel.Location) != want {
		t.Errorf("relation location = %d (%s), want %d (%s)", rel.Location, at(f, int(rel.Location)), want, at(f, want))
	}
	def := s.Node.GetAlterTableStmt().Cmds[0].GetAlterTableCmd().GetDef().GetColumnDef()
	if want := strings.Index(src, `"y"`); int(def.Location) != want {
		t.Errorf("column location = %d, want %d", def.Location, want)
	}
	if tn := def.GetTypeName(); int(tn.Location) != strings.Index(src, "TEXT,") {
		t.Errorf("type location = %d, want %d", tn.Location, strings.Index(src, "TEXT,"))
	}
	spans := f.Clauses(s, int(rel.Location), 2)
	var got []string
	for _, sp := range spans {
		got = append(got, src[sp.Start:sp.End])
	}
	if want := []string{`ADD COLUMN "y" TEXT`, `DROP COLUMN "z"`}; !equal(got, want) {
		t.Errorf("clauses = %q, want %q", got, want)
	}

	// A location 0 within the piece (WITH right after the ';') is shifted too.
	src = "SELEC 1;WITH x AS (SELECT 1) SELECT * FROM x;"
	f = mustParse(t, src)
	if len(f.Stmts) != 1 {
		t.Fatalf("got statements %q", stmtsOf(f))
	}
	if loc := f.Stmts[0].Node.GetSelectStmt().GetWithClause().GetLocation(); int(loc) != strings.Index(src, "WITH") {
		t.Errorf("WITH location = %d, want %d", loc, strings.Index(src, "WITH"))
	}
}

func TestBeginAtomic(t *testing.T) {
	src := `-- CreateFunction
CREATE OR REPLACE FUNCTION "public"."slugify"(t text) RETURNS text
    LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
    SELECT lower(t);
    SELECT CASE WHEN t = '' THEN 'x' ELSE t END;
END;

-- AlterTable
ALTER TABLE "Post" ADD COLUMN "slug" TEXT;
`
	f := mustParse(t, src)
	want := []string{
		"2:1 CREATE OR REPLACE FUNCTION \"public\".\"slugify\"(t text) RETURNS text\n    LANGUAGE sql IMMUTABLE\nBEGIN ATOMIC\n    SELECT lower(t);\n    SELECT CASE WHEN t = '' THEN 'x' ELSE t END;\nEND",
		`10:1 ALTER TABLE "Post" ADD COLUMN "slug" TEXT`,
	}
	if got := stmtsOf(f); !equal(got, want) || len(f.Errors) > 0 {
		t.Errorf("got statements %q errors %q, want %q", got, errorsOf(f), want)
	}
	if f.Stmts[0].Node.GetCreateFunctionStmt() == nil {
		t.Errorf("first statement is %T, want CREATE FUNCTION", f.Stmts[0].Node.Node)
	}
}

func TestInputErrors(t *testing.T) {
	cases := []struct {
		name string
		src  []byte
		line int
		msg  string
	}{
		{"Latin-1 byte", []byte("-- CreateTable\nCREATE TABLE \"Caf\xe9\" (id int);\n"), 2, "byte 0xe9"},
		{"truncated UTF-8 sequence at the end", []byte("SELECT 1;\n\n-- \xe2\x82"), 3, "byte 0xe2"},
		{"UTF-16 byte order mark", []byte("\xff\xfeS\x00"), 1, "byte 0xff"},
		{"NUL byte", []byte("SELECT 1;\nSELECT\x002;"), 2, "byte 0x00"},
		{"NUL byte at the start", []byte("\x00"), 1, "byte 0x00"},
		{"over MaxSize", make([]byte, sqlfile.MaxSize+1), 0, "MiB"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := sqlfile.Parse("db/0001.sql", c.src)
			var ie *sqlfile.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("got file %v, error %v; want an *InputError", f, err)
			}
			if ie.Line != c.line || ie.Path != "db/0001.sql" || !strings.Contains(ie.Msg, c.msg) {
				t.Errorf("got %+v, want line %d and a message with %q", ie, c.line, c.msg)
			}
			prefix := "db/0001.sql: "
			if c.line > 0 {
				prefix = fmt.Sprintf("db/0001.sql:%d: ", c.line)
			}
			if !strings.HasPrefix(ie.Error(), prefix) {
				t.Errorf("Error() = %q, want prefix %q", ie.Error(), prefix)
			}
		})
	}
	// Valid multi-byte text, including U+FFFD itself, is accepted.
	if f, err := sqlfile.Parse("ok.sql", []byte("SELECT '\uFFFD é 😀';")); err != nil || len(f.Stmts) != 1 {
		t.Errorf("valid UTF-8 rejected: %v", err)
	}
}

func TestTokens(t *testing.T) {
	src := "-- c\nALTER TABLE \"é\" ADD x int;"
	f := mustParse(t, src)
	all := f.Tokens(0, len(src))
	if len(all) != 8 {
		t.Fatalf("got %d tokens, want 8 (comment included)", len(all))
	}
	for _, tk := range all {
		if tk.Start < 0 || int(tk.End) > len(src) || tk.Start >= tk.End {
			t.Errorf("token %v out of the file", tk)
		}
	}
	if got := src[all[3].Start:all[3].End]; got != `"é"` {
		t.Errorf("token 3 = %q, want the quoted name (byte offsets)", got)
	}
	s := f.Stmts[0]
	if got := f.Tokens(s.Start, s.End); len(got) != 6 {
		t.Errorf("statement tokens = %d, want 6 (no comment, no ';')", len(got))
	}
	if got := f.Tokens(len(src), len(src)); len(got) != 0 {
		t.Errorf("empty range gave %d tokens", len(got))
	}
}

func TestClauses(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want []string // clause texts; nil means Clauses returns nil
		n    int      // clauses asked for; 0 means the statement's command count
	}{
		{
			name: "prisma multi-clause alter",
			src:  "-- AlterTable\nALTER TABLE \"User\" DROP COLUMN \"bio\",\nADD COLUMN     \"slug\" TEXT NOT NULL,\nALTER COLUMN \"name\" SET DATA TYPE VARCHAR(100);",
			want: []string{`DROP COLUMN "bio"`, `ADD COLUMN     "slug" TEXT NOT NULL`, `ALTER COLUMN "name" SET DATA TYPE VARCHAR(100)`},
		},
		{
			name: "schema-qualified quoted name",
			src:  `ALTER TABLE "public"."Post" ADD COLUMN "a" INTEGER, ADD COLUMN "b" INTEGER;`,
			want: []string{`ADD COLUMN "a" INTEGER`, `ADD COLUMN "b" INTEGER`},
		},
		{
			name: "unquoted qualified name with spaces around the dot",
			src:  `ALTER TABLE app . posts DROP COLUMN a, DROP COLUMN b;`,
			want: []string{`DROP COLUMN a`, `DROP COLUMN b`},
		},
		{
			name: "quoted name with dots and commas inside",
			src:  `ALTER TABLE "a.b, c" ADD COLUMN "x,y" INTEGER, DROP COLUMN "z";`,
			want: []string{`ADD COLUMN "x,y" INTEGER`, `DROP COLUMN "z"`},
		},
		{
			name: "ONLY and IF EXISTS",
			src:  `ALTER TABLE IF EXISTS ONLY "T" ADD COLUMN a int, DROP COLUMN b;`,
			want: []string{`ADD COLUMN a int`, `DROP COLUMN b`},
		},
		{
			name: "parentheses inside clauses",
			src:  `ALTER TABLE "T" ADD CONSTRAINT x CHECK (a IN (1,2)), ADD COLUMN "p" DECIMAL(65,30) DEFAULT coalesce(1, 2), ALTER COLUMN "q" TYPE numeric(10,2) USING ("q"::numeric(10,2));`,
			want: []string{`ADD CONSTRAINT x CHECK (a IN (1,2))`, `ADD COLUMN "p" DECIMAL(65,30) DEFAULT coalesce(1, 2)`, `ALTER COLUMN "q" TYPE numeric(10,2) USING ("q"::numeric(10,2))`},
		},
		{
			name: "string literal with commas",
			src:  `ALTER TABLE "T" ALTER COLUMN "s" SET DEFAULT 'a,b', DROP COLUMN "t";`,
			want: []string{`ALTER COLUMN "s" SET DEFAULT 'a,b'`, `DROP COLUMN "t"`},
		},
		{
			name: "comments between clauses",
			src:  "ALTER TABLE \"T\"\n  -- first\n  ADD COLUMN a int, -- after a\n  /* second */ DROP COLUMN b /* trailing */,\n  -- third\n  DROP COLUMN c -- last\n;",
			want: []string{`ADD COLUMN a int`, `DROP COLUMN b`, `DROP COLUMN c`},
		},
		{
			name: "comment containing a comma",
			src:  "ALTER TABLE t ADD COLUMN a int /* x, y */, DROP COLUMN b;",
			want: []string{`ADD COLUMN a int`, `DROP COLUMN b`},
		},
		{
			name: "single clause",
			src:  "ALTER TABLE \"T\" ALTER COLUMN \"a\" SET NOT NULL;",
			want: []string{`ALTER COLUMN "a" SET NOT NULL`},
		},
		{
			name: "wrong count gives nil",
			src:  "ALTER TABLE t ADD COLUMN a int, DROP COLUMN b;",
			n:    3,
		},
		{
			name: "foreign key with column lists",
			src:  `ALTER TABLE "Post" ADD CONSTRAINT "Post_a_b_fkey" FOREIGN KEY ("a", "b") REFERENCES "User"("a", "b") ON DELETE CASCADE ON UPDATE CASCADE, VALIDATE CONSTRAINT "c";`,
			want: []string{`ADD CONSTRAINT "Post_a_b_fkey" FOREIGN KEY ("a", "b") REFERENCES "User"("a", "b") ON DELETE CASCADE ON UPDATE CASCADE`, `VALIDATE CONSTRAINT "c"`},
		},
		{
			name: "multi-byte names",
			src:  `ALTER TABLE "Ütilisateur" ADD COLUMN "prénom" TEXT, DROP COLUMN "âge";`,
			want: []string{`ADD COLUMN "prénom" TEXT`, `DROP COLUMN "âge"`},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := mustParse(t, c.src)
			if len(f.Stmts) != 1 {
				t.Fatalf("got statements %q errors %q", stmtsOf(f), errorsOf(f))
			}
			s := f.Stmts[0]
			alter := s.Node.GetAlterTableStmt()
			n := c.n
			if n == 0 {
				n = len(alter.Cmds)
			}
			spans := f.Clauses(s, int(alter.Relation.Location), n)
			if c.want == nil {
				if spans != nil {
					t.Errorf("got %v, want nil", spans)
				}
				return
			}
			var got []string
			for _, sp := range spans {
				if sp.Start < s.Start || sp.End > s.End || sp.Start >= sp.End {
					t.Errorf("span %v outside statement [%d,%d)", sp, s.Start, s.End)
					continue
				}
				got = append(got, c.src[sp.Start:sp.End])
			}
			if !equal(got, c.want) {
				t.Errorf("clauses:\n got %q\nwant %q", got, c.want)
			}
		})
	}
}

// TestExampleMigrations parses the repository's sample Prisma migrations.
func TestExampleMigrations(t *testing.T) {
	paths, _ := filepath.Glob("../examples/prisma/migrations/*/migration.sql")
	if len(paths) == 0 {
		t.Fatal("no sample migrations found under ../examples")
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f, err := sqlfile.Parse(p, data)
		if err != nil || len(f.Errors) > 0 || len(f.Stmts) == 0 {
			t.Errorf("%s: err %v, syntax errors %q, %d statements", p, err, errorsOf(f), len(f.Stmts))
			continue
		}
		for _, s := range f.Stmts {
			if strings.HasPrefix(f.Text(s), "--") || strings.HasPrefix(f.Text(s), "/*") {
				t.Errorf("%s: statement at %s starts with a comment", p, at(f, s.Start))
			}
		}
	}
}

// FuzzParse checks that Parse never panics and that every offset it returns
// lies inside the file. Run it with `go test -fuzz FuzzParse ./sqlfile/`.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		prismaWarnings,
		"-- CreateEnum\nCREATE TYPE \"Role\" AS ENUM ('USER', 'ADMIN');\n",
		"-- CreateTable\nCREATE TABLE \"public\".\"User\" (\n    \"id\" SERIAL NOT NULL,\n    \"email\" TEXT NOT NULL,\n    CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\")\n);\n",
		"-- AddForeignKey\nALTER TABLE \"Post\" ADD CONSTRAINT \"Post_authorId_fkey\" FOREIGN KEY (\"authorId\") REFERENCES \"User\"(\"id\") ON DELETE RESTRICT ON UPDATE CASCADE;\n",
		"BEGIN;\nCREATE TYPE \"Role_new\" AS ENUM ('USER');\nALTER TABLE \"User\" ALTER COLUMN \"role\" TYPE \"Role_new\" USING (\"role\"::text::\"Role_new\");\nCOMMIT;\n",
		"CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;\nSELEC 1;",
		"-- This is an empty migration.",
		"SELECT 'é' FRO x;\r\nSELECT 1",
		"SELECT 'unterminated",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := sqlfile.Parse("fuzz.sql", src)
		if err != nil {
			var ie *sqlfile.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v is not an *InputError", err)
			}
			return
		}
		n := len(src)
		for i, s := range file.Stmts {
			if s.Node == nil || s.Index != i || s.Start < 0 || s.Start > s.End || s.End > n {
				t.Fatalf("statement %d span [%d,%d) outside the file of %d bytes", i, s.Start, s.End, n)
			}
			if i > 0 && s.Start < file.Stmts[i-1].End {
				t.Fatalf("statement %d starts at %d, before the previous one ends (%d)", i, s.Start, file.Stmts[i-1].End)
			}
			for _, c := range s.Comments {
				if c.Start < 0 || c.End > s.Start || c.Text != string(src[c.Start:c.End]) {
					t.Fatalf("comment %+v of statement %d misplaced", c, i)
				}
			}
			if a := s.Node.GetAlterTableStmt(); a != nil && a.Relation != nil {
				for _, sp := range file.Clauses(s, int(a.Relation.Location), len(a.Cmds)) {
					if sp.Start < s.Start || sp.End > s.End || sp.Start > sp.End {
						t.Fatalf("clause %v outside statement [%d,%d)", sp, s.Start, s.End)
					}
				}
			}
			file.Position(s.Start)
			file.Position(s.End)
		}
		for _, e := range file.Errors {
			if e.Offset < 0 || e.Offset > n {
				t.Fatalf("error offset %d outside the file of %d bytes", e.Offset, n)
			}
			file.Position(e.Offset)
		}
	})
}
