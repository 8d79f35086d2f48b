// Package lint is migrate-guard's engine: it reads migration histories,
// parses each file with PostgreSQL's parser, replays the schema in order, runs
// every enabled rule on the files the user named, and applies suppressions.
package lint

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/execution"
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
	// Impact is set when a stats file knows the table the finding is about.
	Impact *Impact `json:"impact,omitempty"`
	// Folded lists the findings this one absorbed: moot lock findings on a
	// table this statement's failure proves empty.
	Folded []Folded `json:"folded,omitempty"`
}

// Folded is a finding folded into another: its rule and where it was.
type Folded struct {
	Rule string `json:"rule"`
	Line int    `json:"line"`
}

// Result is the outcome of a lint run.
type Result struct {
	Files    int // files linted (context-only files are not counted)
	Findings []Finding
	// Sources holds the text of every file with findings, for reports that
	// quote the offending lines (text only: see sqlfile.File.TextOnly).
	Sources map[string]*sqlfile.File
	// Runners holds, for every directory with linted files, the runner its
	// files were modelled for.
	Runners []DirRunner
}

// DirRunner is the runner that deploys one migrations directory.
type DirRunner struct {
	Dir    string
	Runner execution.Runner
}

// Runner describes the runners the linted files were modelled for, for the
// report's summary line: "prisma@7.8.0 (from package.json, \"^7.8.0\")".
func (r *Result) Runner() string {
	var out []string
	for _, d := range r.Runners {
		s := d.Runner.Describe()
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if len(out) > 1 {
		out = out[:0]
		for _, d := range r.Runners {
			out = append(out, d.Dir+": "+d.Runner.Describe())
		}
	}
	return strings.Join(out, "; ")
}

// RunnerName is the runner as deployed-by spells it ("prisma@7.8.0"), for
// JSON: "" when nothing said which runner deploys, "mixed" when the linted
// directories disagree.
func (r *Result) RunnerName() string {
	name := ""
	for i, d := range r.Runners {
		if i > 0 && d.Runner.String() != name {
			return "mixed"
		}
		name = d.Runner.String()
	}
	return name
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
		all = append(all, needed(s)...)
	}
	files := parseAhead(all)
	defer files.close()
	for _, s := range sets {
		if err := e.lintSet(s, files); err != nil {
			e.checks.deliver(func(checked) {})
			return nil, err
		}
	}
	return e.finish()
}

// needed returns the migrations of a set up to the last one linted: those
// after it are no context for it, so they are not even read.
func needed(s *migrations.Set) []*migrations.Migration {
	last := 0
	for i, m := range s.Migrations {
		if m.Lint {
			last = i + 1
		}
	}
	return s.Migrations[:last]
}

type engine struct {
	cfg *Config
	// rank is a rule's place in id order, the order a statement's findings
	// keep whatever order the rules run in.
	rank map[string]int
	// phases are the enabled rules: those that do not read reports, then
	// those that do (Rule.ReadsReports).
	phases [2][]*analysis.Rule
	res    *Result
	once   map[string]int // a once-per-run rule's kept finding, by rule id
	more   map[string]int // how many findings of that rule were left out
	// checks holds the files' findings until they are added in order.
	checks *checks
}

// enabled reports whether a rule is on in this run.
func (e *engine) enabled(id string) bool {
	r := rules.ByID(id)
	return r != nil && e.cfg.Severity(r) != analysis.Off
}

// lintSet takes the set's files from files, in order.
func (e *engine) lintSet(s *migrations.Set, files *ahead) error {
	if s.Prisma && s.Lock.Problem != "" && anyLinted(s) {
		e.checks.now(Finding{File: s.Lock.Path, Line: max(s.Lock.Line, 1), Column: 1, EndLine: max(s.Lock.Line, 1), EndColumn: 1,
			Rule: rules.MigrationLock.ID, Message: s.Lock.Problem,
			Help: "Keep the migration_lock.toml that `prisma migrate dev` writes, with provider = \"postgresql\", committed beside the migrations."})
	}
	runner, err := e.runnerFor(s)
	if err != nil {
		return err
	}
	if anyLinted(s) {
		e.res.Runners = append(e.res.Runners, DirRunner{Dir: s.Dir, Runner: runner})
	}
	cat := catalog.New()
	cat.SetPending(pending(s))
	for i, m := range needed(s) {
		f, err := files.next()
		var input *sqlfile.InputError
		if errors.As(err, &input) {
			e.unreadable(m, input)
			continue
		}
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
		if err := e.lintFile(f, cat, runner); err != nil {
			return err
		}
	}
	if anyLinted(s) {
		e.checkHead(cat)
	}
	return nil
}

// unreadable reports a linted file that is not SQL text, so that the other
// files are still linted; a context file that is not is skipped, and the
// rule's documentation says what that costs.
func (e *engine) unreadable(m *migrations.Migration, err *sqlfile.InputError) {
	if !m.Lint {
		return
	}
	e.res.Files++
	line := max(err.Line, 1)
	e.checks.now(Finding{File: m.Path, Line: line, Column: 1, EndLine: line, EndColumn: 1, Rule: rules.UnreadableFile.ID, Message: err.Msg,
		Help: "Save the file as UTF-8 text (for example `iconv -f LATIN1 -t UTF-8`); PostgreSQL rejects the whole query with SQLSTATE 22021 otherwise."})
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

// runnerFor is the runner of a set: deployed-by when it names one, else,
// for a Prisma directory, the Prisma version its package.json gives
// (deployed-by = "prisma" without a version is completed the same way).
func (e *engine) runnerFor(s *migrations.Set) (execution.Runner, error) {
	r := e.cfg.Runner
	if !s.Prisma || r.Kind != execution.Unset && (r.Kind != execution.Prisma || r.HasVersion) {
		return r, nil
	}
	found, err := execution.Detect(s.Dir)
	if err != nil {
		return r, fmt.Errorf("reading the Prisma version for %s: %w", s.Dir, err)
	}
	if found.Kind == execution.Unset || r.Kind == execution.Prisma && !found.HasVersion {
		return r, nil
	}
	return found, nil
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

// lintFile replays the file into cat, keeping the schema as it is just before
// each statement, and starts the rules over each statement with its schema.
// Whole-file rules consult every snapshot (SchemaAt), so they are taken once,
// here, rather than replayed again for the rules.
func (e *engine) lintFile(f *sqlfile.File, cat *catalog.Catalog, runner execution.Runner) error {
	snaps := make([]*catalog.Catalog, len(f.Stmts)+1)
	for i, s := range f.Stmts {
		snaps[i] = cat.Clone()
		if err := apply(cat, f, s); err != nil {
			return err
		}
	}
	snaps[len(f.Stmts)] = cat.Clone() // cat goes on with the next file
	e.checks.start(func() checked { return e.check(f, snaps, runner) })
	return nil
}

// reported is a finding with the diagnostic it came from.
type reported struct {
	Finding
	d analysis.Diagnostic
}

// inRuleOrder lists the findings statement by statement, each statement's
// in the order of their rules' ids whatever order the rules ran in, and
// records the failures others may fold into.
func (e *engine) inRuleOrder(byStmt [][]reported, folds foldings) []Finding {
	var found []Finding
	for i, rs := range byStmt {
		slices.SortStableFunc(rs, func(a, b reported) int { return e.rank[a.Rule] - e.rank[b.Rule] })
		for _, r := range rs {
			found = append(found, r.Finding)
			folds.target(len(found)-1, i, r.d)
		}
	}
	return found
}

// check runs the rules over a file whose snapshots are taken: first those
// that do not read reports, over every statement, then those that do, which
// so know what the others reported on any statement of the file. It only
// reads the engine, so that files are checked concurrently.
func (e *engine) check(f *sqlfile.File, snaps []*catalog.Catalog, runner execution.Runner) checked {
	plan := execution.Build(f, runner, e.cfg.PGVersion)
	pass := &analysis.Pass{File: f, Plan: plan, Tx: plan.Tx, Before: snaps[0], PGVersion: e.cfg.PGVersion,
		MaxLockTimeout: e.cfg.MaxLockTimeout, Facts: analysis.NewFileFactsAt(f, snaps), Enabled: e.enabled, Release: e.release()}
	folds := newFoldings()
	// One Report for the file, reading the rule and statement that run: a
	// closure per statement and rule was most of the rules' allocations.
	byStmt := make([][]reported, len(f.Stmts))
	var r *analysis.Rule
	pass.Report = func(d analysis.Diagnostic) {
		i := pass.Stmt.Index
		pass.Facts.NoteReport(i, r, d.Impact)
		if !e.fold(pass, r, d, folds) {
			byStmt[i] = append(byStmt[i], reported{e.finding(f, r, d), d})
		}
	}
	for _, phase := range e.phases {
		for i, s := range f.Stmts {
			pass.Stmt, pass.Schema = s, snaps[i]
			for _, r = range phase {
				if err := runRule(r, pass); err != nil {
					return checked{err: err}
				}
			}
		}
	}
	found := e.inRuleOrder(byStmt, folds)
	found = folds.note(found)
	for _, se := range f.Errors {
		found = append(found, e.finding(f, rules.SyntaxError, analysis.Diagnostic{
			Pos: se.Offset, End: se.Offset,
			Message: se.Message + " (" + sqlfile.GrammarVersion + " grammar)",
			Help:    "Fix the statement so PostgreSQL accepts it; check it with `psql` against a scratch database before deploying.",
		}))
	}
	found = e.suppress(f, found)
	if len(found) == 0 {
		return checked{}
	}
	return checked{found: found, src: f.TextOnly()}
}

func (e *engine) finding(f *sqlfile.File, r *analysis.Rule, d analysis.Diagnostic) Finding {
	start := f.Position(d.Pos)
	end := start
	if d.End > d.Pos {
		_, size := utf8.DecodeLastRuneInString(f.Src[:min(d.End, len(f.Src))])
		end = f.Position(d.End - size)
	}
	fd := Finding{File: f.Path, Line: start.Line, Column: start.Col, EndLine: end.Line, EndColumn: end.Col,
		Rule: r.ID, Severity: e.cfg.Severity(r), Message: d.Message, Help: d.Help, Fix: d.Fix}
	if d.Impact != nil && e.cfg.Stats != nil {
		e.sizeFinding(&fd, r, d.Impact)
	}
	if r == rules.RequireLockTimeout && e.cfg.Stats != nil {
		fd.Message += roleTimeoutNote(e.cfg.Stats)
	}
	return fd
}

func (e *engine) add(f Finding) {
	if f.Severity == analysis.Off {
		if r := rules.ByID(f.Rule); r != nil {
			f.Severity = e.cfg.Severity(r)
		}
	}
	if f.Severity == analysis.Off || f.Rule == rules.RequireLockTimeout.ID && e.cfg.Stats != nil && roleHasLockTimeout(e.cfg.Stats) {
		return
	}
	if r := rules.ByID(f.Rule); r != nil && r.OncePerRun {
		if _, seen := e.once[f.Rule]; seen {
			e.more[f.Rule]++
			return
		}
		e.once[f.Rule] = len(e.res.Findings)
	}
	e.res.Findings = append(e.res.Findings, f)
}

// finish adds the findings in order and counts, in the one finding a
// once-per-run rule keeps, the places it left out.
func (e *engine) finish() (*Result, error) {
	err := e.checks.deliver(func(c checked) {
		if c.src != nil {
			e.res.Sources[c.src.Path] = c.src
		}
		for _, f := range c.found {
			e.add(f)
		}
	})
	if err != nil {
		return nil, err
	}
	e.schemaErrors()
	for id, i := range e.once {
		if n := e.more[id]; n > 0 {
			e.res.Findings[i].Message += fmt.Sprintf(" (the same holds for the first such statement of %s in this run; "+
				"this finding stands for all of them)", plural(n, "more migration"))
		}
	}
	return e.res, nil
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
