// Package lint is migrate-guard's engine: it reads migration histories,
// parses each file with PostgreSQL's parser, replays the schema in order, runs
// every enabled rule on the files the user named, and applies suppressions.
package lint

import (
	"fmt"
	"unicode/utf8"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/migrations"
	"github.com/migrate-guard/migrate-guard/rules"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// Finding is one reported problem. Lines and columns are 1-based; the end is
// the last character of the flagged text. Columns count characters.
type Finding struct {
	File      string            `json:"file"`
	Line      int               `json:"line"`
	Column    int               `json:"column"`
	EndLine   int               `json:"end_line"`
	EndColumn int               `json:"end_column"`
	Rule      string            `json:"rule"`
	Severity  analysis.Severity `json:"severity"`
	Message   string            `json:"message"`
	Help      string            `json:"help"`
	Fix       string            `json:"fix"`
}

// Result is the outcome of a lint run.
type Result struct {
	Files    int // files linted (context-only files are not counted)
	Findings []Finding
	// Sources holds the text of every file with findings, for reports that
	// quote the offending lines (text only: see sqlfile.File.TextOnly).
	Sources map[string]*sqlfile.File
}

// Count returns how many findings are at or above a severity.
func (r *Result) Count(min analysis.Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity >= min {
			n++
		}
	}
	return n
}

// Failed reports whether any finding reaches the configured threshold.
func (r *Result) Failed(cfg *Config) bool {
	return cfg.FailOn != analysis.Off && r.Count(cfg.FailOn) > 0
}

// Run lints the sets. Files are read and parsed on every core, while the
// schema is replayed and the rules run in history order, so the result is
// the same as linting one file after the other.
func Run(sets []*migrations.Set, cfg *Config) (*Result, error) {
	e := newEngine(cfg)
	var all []*migrations.Migration
	for _, s := range sets {
		all = append(all, s.Migrations...)
	}
	files := parseAhead(all)
	defer files.close()
	for _, s := range sets {
		if err := e.lintSet(s, files); err != nil {
			return nil, err
		}
	}
	return e.res, nil
}

type engine struct {
	cfg   *Config
	rules []*analysis.Rule
	res   *Result
}

// enabled reports whether a rule is on in this run.
func (e *engine) enabled(id string) bool {
	r := rules.ByID(id)
	return r != nil && e.cfg.Severity(r) != analysis.Off
}

// lintSet takes the set's files from files, in order.
func (e *engine) lintSet(s *migrations.Set, files *ahead) error {
	if s.Prisma && s.Lock.Problem != "" && anyLinted(s) {
		e.add(Finding{File: s.Lock.Path, Line: max(s.Lock.Line, 1), Column: 1, EndLine: max(s.Lock.Line, 1), EndColumn: 1,
			Rule: rules.MigrationLock.ID, Message: s.Lock.Problem,
			Help: "Keep the migration_lock.toml that `prisma migrate dev` writes, with provider = \"postgresql\", committed beside the migrations."})
	}
	cat := catalog.New()
	cat.SetPending(pending(s))
	for i, m := range s.Migrations {
		f, err := files.next()
		if err != nil {
			return err
		}
		cat.BeginFile(i + 1)
		if !m.Lint {
			if err := replay(cat, f); err != nil {
				return err
			}
			continue
		}
		e.res.Files++
		if err := e.lintFile(f, cat); err != nil {
			return err
		}
	}
	if anyLinted(s) {
		e.checkHead(cat)
	}
	return nil
}

// pending returns the files of a set the user named when they are only some
// of it, as in a pull request: those are the migrations not yet deployed, so
// a table one of them creates is still empty when the next one runs. When
// the whole history is linted, every file has been deployed in turn.
func pending(s *migrations.Set) map[int]bool {
	out := map[int]bool{}
	for i, m := range s.Migrations {
		if m.Lint {
			out[i+1] = true
		}
	}
	if len(out) == len(s.Migrations) {
		return nil
	}
	return out
}

func anyLinted(s *migrations.Set) bool {
	for _, m := range s.Migrations {
		if m.Lint {
			return true
		}
	}
	return false
}

func replay(cat *catalog.Catalog, f *sqlfile.File) error {
	for _, s := range f.Stmts {
		if err := apply(cat, f, s); err != nil {
			return err
		}
	}
	return nil
}

// apply replays one statement; a bug in the catalog becomes an error that
// names the statement instead of crashing the run.
func apply(cat *catalog.Catalog, f *sqlfile.File, s *sqlfile.Stmt) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s:%d: internal error replaying the schema: %v (please report this with the file)", f.Path, f.Position(s.Start).Line, p)
		}
	}()
	cat.Apply(s.Node)
	return nil
}

// runRule runs one rule on the pass; a bug in the rule becomes an error that
// names the statement and the rule instead of crashing the run.
func runRule(r *analysis.Rule, pass *analysis.Pass) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s:%d: internal error in rule %q: %v (please report this with the file)", pass.File.Path, pass.File.Position(pass.Stmt.Start).Line, r.ID, p)
		}
	}()
	r.Run(pass)
	return nil
}

// lintFile runs the rules over each statement with the schema as it is just
// before that statement, then replays the statement.
func (e *engine) lintFile(f *sqlfile.File, cat *catalog.Catalog) error {
	var found []Finding
	before := cat.Clone()
	pass := &analysis.Pass{File: f, Tx: analysis.Transactions(f), Before: before, Schema: cat, PGVersion: e.cfg.PGVersion,
		MaxLockTimeout: e.cfg.MaxLockTimeout, Facts: analysis.NewFileFacts(f, before), Enabled: e.enabled, Release: e.release()}
	for _, s := range f.Stmts {
		pass.Stmt = s
		for _, r := range e.rules {
			pass.Report = func(d analysis.Diagnostic) { found = append(found, e.finding(f, r, d)) }
			if err := runRule(r, pass); err != nil {
				return err
			}
		}
		if err := apply(cat, f, s); err != nil {
			return err
		}
	}
	for _, se := range f.Errors {
		found = append(found, e.finding(f, rules.SyntaxError, analysis.Diagnostic{
			Pos: se.Offset, End: se.Offset,
			Message: se.Message + " (" + sqlfile.GrammarVersion + " grammar)",
			Help:    "Fix the statement so PostgreSQL accepts it; check it with `psql` against a scratch database before deploying.",
		}))
	}
	found = e.suppress(f, found)
	if len(found) > 0 {
		e.res.Sources[f.Path] = f.TextOnly()
	}
	for _, fd := range found {
		e.add(fd)
	}
	return nil
}

func (e *engine) finding(f *sqlfile.File, r *analysis.Rule, d analysis.Diagnostic) Finding {
	start := f.Position(d.Pos)
	end := start
	if d.End > d.Pos {
		_, size := utf8.DecodeLastRuneInString(f.Src[:min(d.End, len(f.Src))])
		end = f.Position(d.End - size)
	}
	return Finding{File: f.Path, Line: start.Line, Column: start.Col, EndLine: end.Line, EndColumn: end.Col,
		Rule: r.ID, Severity: e.cfg.Severity(r), Message: d.Message, Help: d.Help, Fix: d.Fix}
}

func (e *engine) add(f Finding) {
	if f.Severity == analysis.Off {
		if r := rules.ByID(f.Rule); r != nil {
			f.Severity = e.cfg.Severity(r)
		}
	}
	if f.Severity != analysis.Off {
		e.res.Findings = append(e.res.Findings, f)
	}
}
