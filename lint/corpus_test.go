package lint_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/migrate-guard/migrate-guard/lint"
	"github.com/migrate-guard/migrate-guard/migrations"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// corpusTimeout bounds each corpus: a hang is a failure, not a stuck CI job.
const corpusTimeout = 5 * time.Minute

// corpusDir returns the shared corpus of real migrations, ../shared/corpus
// from the module root, or skips the test when it is absent.
func corpusDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's working directory")
		}
		dir = parent
	}
	corpus := filepath.Join(dir, "..", "shared", "corpus")
	if _, err := os.Stat(corpus); err != nil {
		t.Skipf("!!! SKIPPING the real-migration corpus test: %s is absent (%v). "+
			"Nothing from the corpus was checked. !!!", corpus, err)
	}
	return corpus
}

// TestCorpus lints real migration histories end to end: every file must be
// linted without an error or a panic; syntax errors are findings.
func TestCorpus(t *testing.T) {
	corpus := corpusDir(t)
	for _, name := range []string{
		"triggerdotdev__trigger.dev", "langfuse__langfuse", "hoppscotch__hoppscotch", "umami-software__umami", // Prisma
		"hatchet-dev__hatchet", "kestra-io__kestra", // goose and flyway: plain .sql directories
	} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(corpus, name)
			sets, err := migrations.Discover([]string{dir})
			if err != nil {
				t.Fatal(err)
			}
			if len(sets) != 1 || len(sets[0].Migrations) == 0 {
				t.Fatalf("found %d sets in %s", len(sets), dir)
			}
			if prisma := !strings.HasPrefix(name, "hatchet") && !strings.HasPrefix(name, "kestra"); sets[0].Prisma != prisma {
				t.Errorf("Prisma = %v, want %v", sets[0].Prisma, prisma)
			}
			// Deployed histories: a syntax error here is a parser bug.
			if n := lintCorpus(t, [][]*migrations.Set{sets})["syntax-error"]; n > 0 {
				t.Errorf("%d syntax errors in migrations that were deployed", n)
			}
		})
	}
	t.Run("pganalyze__libpg_query", func(t *testing.T) {
		dir := filepath.Join(corpus, "pganalyze__libpg_query")
		paths, err := filepath.Glob(filepath.Join(dir, "*.sql"))
		if err != nil || len(paths) == 0 {
			t.Fatalf("no .sql files in %s: %v", dir, err)
		}
		var runs [][]*migrations.Set
		for _, p := range paths { // each file alone: they are unrelated test scripts
			runs = append(runs, []*migrations.Set{{Dir: dir, Migrations: []*migrations.Migration{{Name: filepath.Base(p), Path: p, Lint: true}}}})
		}
		lintCorpus(t, runs)
	})
}

// lintCorpus lints each run (a list of sets linted together) under one time
// limit, failing on an error, a panic or a timeout, and logs what it saw (a
// file that is not UTF-8 text is an unreadable-file finding). It returns the number of findings per rule.
func lintCorpus(t *testing.T, runs [][]*migrations.Set) map[string]int {
	t.Helper()
	type outcome struct {
		res   *lint.Result
		err   error
		stack string
	}
	done := make(chan []outcome, 1)
	start := time.Now()
	go func() {
		var outs []outcome
		defer func() {
			if p := recover(); p != nil {
				done <- append(outs, outcome{err: fmt.Errorf("panic: %v", p), stack: string(debug.Stack())})
			}
		}()
		for _, sets := range runs {
			res, err := lint.Run(sets, lint.DefaultConfig())
			outs = append(outs, outcome{res: res, err: err})
		}
		done <- outs
	}()
	var outs []outcome
	select {
	case outs = <-done:
	case <-time.After(corpusTimeout):
		t.Fatalf("linting did not finish within %s", corpusTimeout)
	}
	var linted []*migrations.Set
	var findings []lint.Finding
	filesSeen := 0
	for i, out := range outs {
		if out.err != nil {
			t.Errorf("%v\n%s", out.err, out.stack)
			continue
		}
		linted = append(linted, runs[i]...)
		findings = append(findings, out.res.Findings...)
		filesSeen += out.res.Files
	}
	files, stmts, bad, unreadable := countStatements(t, linted)
	if filesSeen != files {
		t.Errorf("Result.Files adds up to %d, want %d", filesSeen, files)
	}
	perRule := map[string]int{}
	for _, f := range findings {
		perRule[f.Rule]++
		if f.Line < 1 || f.Column < 1 || f.EndLine < f.Line || f.EndLine == f.Line && f.EndColumn < f.Column {
			t.Errorf("finding with a bad position: %+v", f)
		}
		if f.Message == "" || f.Help == "" {
			t.Errorf("finding without message or help: %+v", f)
		}
	}
	if perRule["syntax-error"] != bad {
		t.Errorf("%d syntax-error findings for %d syntax errors", perRule["syntax-error"], bad)
	}
	if perRule["unreadable-file"] != unreadable {
		t.Errorf("%d unreadable-file findings for %d files that are not SQL text", perRule["unreadable-file"], unreadable)
	}
	t.Logf("%d files, %d statements parsed, %d syntax errors, %d findings in %s",
		files, stmts, bad, len(findings), time.Since(start).Round(time.Millisecond))
	ids := make([]string, 0, len(perRule))
	for id := range perRule {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		t.Logf("  %-36s %d", id, perRule[id])
	}
	return perRule
}

// countStatements parses the linted files again to count their statements,
// syntax errors and the files that are not SQL text.
func countStatements(t *testing.T, sets []*migrations.Set) (files, stmts, bad, unreadable int) {
	t.Helper()
	for _, s := range sets {
		for _, m := range s.Migrations {
			if !m.Lint {
				continue
			}
			data, err := os.ReadFile(m.Path)
			if err != nil {
				t.Fatal(err)
			}
			files++
			f, err := sqlfile.Parse(m.Path, data)
			var ie *sqlfile.InputError
			if errors.As(err, &ie) {
				unreadable++
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			f.ExpandBlocks()
			stmts += len(f.Stmts)
			bad += len(f.Errors)
		}
	}
	return files, stmts, bad, unreadable
}
