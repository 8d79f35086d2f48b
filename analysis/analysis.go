// Package analysis defines what a migrate-guard rule is and what it is given,
// after golang.org/x/tools/go/analysis: a Rule is a value whose Run receives a
// Pass describing one statement and its context, and reports through
// Pass.Report. Rules never replay the schema or read files themselves; the
// lint engine does that once for all of them. What rules share about the
// whole file is a Result (NewResult), computed once per file and declared in
// Rule.Requires, as go/analysis's ResultOf; whether another rule reported a
// statement is data the engine keeps (Pass.ReportedBy).
package analysis

import (
	"fmt"
	"strings"
	"time"

	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/execution"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// Severity is how much a finding matters. Off disables a rule.
type Severity int

// The severities, from least to most severe.
const (
	Off Severity = iota
	Notice
	Warning
	Error
)

var severityNames = [...]string{"off", "notice", "warning", "error"}

func (s Severity) String() string { return severityNames[s] }

// MarshalText writes the severity's name, as in JSON reports.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity's name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	*s = v
	return err
}

// ParseSeverity reads "error", "warning", "notice" or "off".
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(s, n) {
			return Severity(i), nil
		}
	}
	return Off, fmt.Errorf("%q is not a severity (want error, warning, notice or off)", s)
}

// Rule is one check.
type Rule struct {
	ID       string   // stable kebab-case id, used in config and suppressions
	Severity Severity // default severity; Off makes the rule opt-in
	Summary  string   // one line for `migrate-guard rules`
	// Doc explains what happens in production and why; it is the body of
	// the rule's documentation.
	Doc string
	// OncePerRun makes the engine keep only the first finding of the rule
	// in a run, counting the others in its message: for dangers that belong
	// to the deploy rather than to one migration.
	OncePerRun bool
	// ExampleRunner is the deployed-by setting its examples are linted
	// under, for a rule that speaks only for some runners ("" for the
	// default).
	ExampleRunner string
	// Bad and Good are example migrations: tests assert Bad is flagged and
	// Good is clean, so the documentation cannot drift from the code.
	Bad, Good string
	// BaseSchema is the running release's schema.prisma that Bad and Good
	// are checked against, for the rules that compare with it.
	BaseSchema string
	// Requires lists the file Results the rule reads, directly or through
	// the helpers it calls.
	Requires []Result
	// NamesHeldLocks says that the rule's findings on a slow statement name,
	// besides the locks on the statement's own tables, the ACCESS EXCLUSIVE
	// locks the transaction holds on other tables meanwhile: a rule that
	// would only say that (long-access-exclusive) leaves such a statement
	// to it (Pass.ReportedBy).
	NamesHeldLocks bool
	// ReadsReports makes the engine run the rule on each statement after
	// the rules that do not read reports, so that Pass.ReportedBy knows all
	// they reported on it.
	ReadsReports bool
	// Run inspects pass.Stmt. It is nil for findings the engine itself
	// produces (syntax errors, suppression problems).
	Run func(*Pass)
}

// Diagnostic is what a rule reports. Pos and End are byte offsets into the
// file; the engine turns them into lines and columns.
type Diagnostic struct {
	Pos, End int
	Message  string // what happens in production: the lock, what it blocks, what fails
	Help     string // what to do instead, including how to get there with Prisma
	Fix      string // the safe SQL to paste, or ""
	// Impact, when set, names the table and the work the finding is
	// about, so that production statistics can size it.
	Impact *Impact
	// FailsOnRows names the table of a finding about a statement that
	// fails once that table holds any row: the engine folds into it the
	// findings about how long the file's locks on the table last, since
	// the migration only succeeds while the table is empty.
	FailsOnRows catalog.Name
}

// Pass is one statement of one file, with everything a rule may consult.
type Pass struct {
	File *sqlfile.File
	Stmt *sqlfile.Stmt
	// Plan is how the file runs under the configured runner (its mode and,
	// for Prisma 7.4+, why it falls back to one query).
	Plan *execution.Plan
	// Tx is Plan.Tx: for every statement of the file, the transaction it
	// runs in.
	Tx []execution.Tx
	// Schema is the replayed schema just before Stmt runs, including the
	// file's earlier statements. Rules must not change it.
	Schema *catalog.Catalog
	// Before is the schema before the file's first statement.
	Before *catalog.Catalog
	// PGVersion is the target PostgreSQL major version.
	PGVersion int
	// MaxLockTimeout is the longest lock_timeout a migration may set
	// (max-lock-timeout in migrate-guard.toml).
	MaxLockTimeout time.Duration
	// Enabled reports whether a rule is on in this run, for a rule that
	// leaves a statement to another rule only when that rule will report it.
	Enabled func(ruleID string) bool
	// Release holds the schema.prisma of the running release and of the
	// pull request; nil when no base schema was given (release
	// compatibility is then not checked).
	Release *Release
	// Facts holds what the engine keeps for the whole file (SchemaAt, Results).
	Facts *FileFacts
	// Report records a finding against the rule being run.
	Report func(Diagnostic)
}

// InTx reports whether the current statement runs inside a transaction block.
func (p *Pass) InTx() bool { return p.Tx[p.Stmt.Index].InTx }

// StmtSpan returns the span of the current statement.
func (p *Pass) StmtSpan() sqlfile.Span { return sqlfile.Span{Start: p.Stmt.Start, End: p.Stmt.End} }

// Report is what a finding says, apart from where it is: a struct, so that
// the texts cannot be passed in the wrong order.
type Report struct {
	Message string // what happens in production: the lock, what it blocks, what fails
	Help    string // what to do instead, including how to get there with Prisma
	Fix     string // the safe SQL to paste, or ""
	// Impact, when set, names the table and the work the finding is
	// about, so that production statistics can size it.
	Impact *Impact
	// FailsOnRows: see Diagnostic.
	FailsOnRows catalog.Name
}

// ReportStmt reports r over the whole current statement.
func (p *Pass) ReportStmt(r Report) { p.ReportAt(p.StmtSpan(), r) }

// ReportAt reports r over sp, a part of the current file.
func (p *Pass) ReportAt(sp sqlfile.Span, r Report) {
	p.Report(Diagnostic{Pos: sp.Start, End: sp.End, Message: r.Message, Help: r.Help, Fix: r.Fix, Impact: r.Impact,
		FailsOnRows: r.FailsOnRows})
}
