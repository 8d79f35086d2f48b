// Package linttest checks migrate-guard's findings against expectations
// written in the SQL itself, after golang.org/x/tools/go/analysis/analysistest:
// a comment `-- want "rule-id"` on a line says that rule reports a finding
// starting on that line, and every finding must be expected so. It also
// compares rendered output with golden files (Golden).
//
// A test directory holds cases of two kinds:
//
//   - NAME.sql is a migration linted after ruledoc.History, the example app
//     of the rule pages whose tables hold production data;
//   - NAME/ is a migrations directory (a Prisma history, with its
//     migration_lock.toml, or plain .sql files) linted whole, as
//     `migrate-guard lint NAME` does; a migrate-guard.toml in it is read.
//
// Cases run with the default configuration, plus every opt-in rule a want
// comment of the case names turned on as a notice: what a user sees, and
// the rule under test.
package linttest

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/lint"
	"github.com/migrate-guard/migrate-guard/migrations"
	"github.com/migrate-guard/migrate-guard/ruledoc"
	"github.com/migrate-guard/migrate-guard/rules"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// Run lints every case in dir, each as a subtest, and reports missing and
// unexpected findings by file and line.
func Run(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		switch {
		case e.IsDir():
			t.Run(e.Name(), func(t *testing.T) { runDir(t, path) })
		case strings.HasSuffix(e.Name(), ".sql"):
			t.Run(strings.TrimSuffix(e.Name(), ".sql"), func(t *testing.T) { runFile(t, path) })
		default:
			continue
		}
		n++
	}
	if n == 0 {
		t.Fatalf("no cases in %s", dir)
	}
}

// expectation is one `want` entry: a rule expected on a line of a file.
type expectation struct {
	file string
	line int
	rule string
}

func (x expectation) String() string { return fmt.Sprintf("%s:%d: %s", x.file, x.line, x.rule) }

func runFile(t *testing.T, path string) {
	src := read(t, path)
	wants := parseWants(t, path, src)
	cfg := config(t, "", wants)
	res, err := lint.RunText([]lint.Text{{Path: "history.sql", SQL: []byte(ruledoc.History)}}, lint.Text{Path: path, SQL: src}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mismatches(wants, res.Findings) {
		t.Error(m)
	}
}

func runDir(t *testing.T, dir string) {
	var wants []expectation
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".sql") {
			wants = append(wants, parseWants(t, path, read(t, path))...)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg := config(t, filepath.Join(dir, lint.ConfigFile), wants)
	sets, err := migrations.Discover([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	res, err := lint.Run(sets, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mismatches(wants, res.Findings) {
		t.Error(m)
	}
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// config is the configuration file at path (the defaults when it does not
// exist) with the opt-in rules the expectations name turned on.
func config(t *testing.T, path string, wants []expectation) *lint.Config {
	t.Helper()
	cfg := lint.DefaultConfig()
	if _, err := os.Stat(path); err == nil {
		if cfg, err = lint.LoadConfig(path); err != nil {
			t.Fatal(err)
		}
	}
	for _, w := range wants {
		r := rules.ByID(w.rule)
		if r == nil {
			t.Fatalf("%s: no rule %q", w, w.rule)
		}
		if cfg.Severity(r) == analysis.Off {
			cfg.Rules[r.ID] = analysis.Notice
		}
	}
	return cfg
}

// parseWants reads the `-- want "id" ...` comments of a file, found with
// PostgreSQL's scanner so that a want inside a string literal is not one.
func parseWants(t *testing.T, path string, src []byte) []expectation {
	t.Helper()
	f, err := sqlfile.Parse(path, src)
	if err != nil {
		t.Fatal(err)
	}
	var out []expectation
	for _, tok := range f.Tokens(0, len(f.Src)) {
		if tok.Token != pg.Token_SQL_COMMENT {
			continue
		}
		text := strings.TrimSpace(strings.TrimPrefix(f.Src[tok.Start:tok.End], "--"))
		rest, ok := strings.CutPrefix(text, "want ")
		if !ok {
			continue
		}
		line := f.Position(int(tok.Start)).Line
		ids, err := quoted(rest)
		if err != nil || len(ids) == 0 {
			t.Fatalf("%s:%d: bad want comment %q: want -- want \"rule-id\" ...", path, line, text)
		}
		for _, id := range ids {
			out = append(out, expectation{path, line, id})
		}
	}
	return out
}

// quoted splits `"a" "b"` into its Go-quoted strings.
func quoted(s string) ([]string, error) {
	var out []string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		q, err := strconv.QuotedPrefix(s)
		if err != nil {
			return nil, err
		}
		id, _ := strconv.Unquote(q)
		out = append(out, id)
		s = s[len(q):]
	}
	return out, nil
}

// mismatches matches findings to expectations one to one, and describes
// each expectation left unmatched and each finding no expectation names.
func mismatches(wants []expectation, found []lint.Finding) []string {
	left := map[expectation]int{}
	for _, w := range wants {
		left[w]++
	}
	var unexpected []string
	for _, f := range found {
		x := expectation{filepath.Clean(f.File), f.Line, f.Rule}
		if left[x] > 0 {
			left[x]--
			continue
		}
		unexpected = append(unexpected, fmt.Sprintf("%s:%d:%d: unexpected %s: %s", f.File, f.Line, f.Column, f.Rule, f.Message))
	}
	var missing []string
	for x, n := range left {
		for ; n > 0; n-- {
			missing = append(missing, fmt.Sprintf("%s:%d: want %s: no such finding starts on this line", x.file, x.line, x.rule))
		}
	}
	sort.Strings(missing)
	return append(missing, unexpected...)
}
