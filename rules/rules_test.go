package rules_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/lint"
	"github.com/migrate-guard/migrate-guard/ruledoc"
	"github.com/migrate-guard/migrate-guard/rules"
)

// ruleCase is one table-driven rule test: the migration under test, the
// earlier migrations replayed as its context, and where the rule must fire
// ("line:col" of each finding, in order; none means the SQL is clean).
type ruleCase struct {
	name    string
	history []string
	sql     string
	want    []string
	pg      int    // target PostgreSQL major version; 0 means the default
	runner  string // deployed-by; "" means the default
}

// lintSQL lints sql after history, with the opt-in rules on as notices,
// and returns all findings.
func lintSQL(t *testing.T, history []string, sql string, pg int) []lint.Finding {
	t.Helper()
	return lintRunner(t, history, sql, pg, "")
}

// lintRunner is lintSQL with deployed-by set to runner ("" keeps the
// default).
func lintRunner(t *testing.T, history []string, sql string, pg int, runner string) []lint.Finding {
	t.Helper()
	return lintConfigured(t, history, sql, func(cfg *lint.Config) error {
		if runner != "" {
			if err := cfg.SetDeployedBy(runner, "test"); err != nil {
				return err
			}
		}
		for _, r := range rules.All() { // opt-in rules are tested too
			if r.Severity == analysis.Off {
				cfg.Rules[r.ID] = analysis.Notice
			}
		}
		if pg == 0 {
			return nil
		}
		return cfg.SetPGVersion(pg)
	})
}

// byDefault keeps the findings of the rules that are on by default: what a
// user sees without configuration (lintSQL turns the opt-in rules on too).
func byDefault(fs []lint.Finding) []lint.Finding {
	var out []lint.Finding
	for _, f := range fs {
		if r := rules.ByID(f.Rule); r == nil || r.Severity != analysis.Off {
			out = append(out, f)
		}
	}
	return out
}

// positions returns "line:col" of the findings of one rule.
func positions(fs []lint.Finding, rule string) []string {
	var out []string
	for _, f := range fs {
		if f.Rule == rule {
			out = append(out, fmt.Sprintf("%d:%d", f.Line, f.Column))
		}
	}
	return out
}

// collecting, when set, receives the cases runCases is given instead of
// running them: TestFixesOnPostgres gathers every rule's cases this way.
var collecting func(rule string, cases []ruleCase)

// runCases runs table-driven cases for one rule, and checks that every
// finding explains itself and offers a way out.
func runCases(t *testing.T, rule string, cases []ruleCase) {
	t.Helper()
	if rules.ByID(rule) == nil {
		t.Fatalf("rule %q is not registered", rule)
	}
	if collecting != nil {
		collecting(rule, cases)
		return
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := lintRunner(t, c.history, c.sql, c.pg, c.runner)
			got := positions(fs, rule)
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Errorf("%s fired at %v, want %v; all findings:\n%s", rule, got, c.want, dump(fs))
			}
			for _, f := range fs {
				if f.Rule == rule && (f.Message == "" || f.Help == "") {
					t.Errorf("finding without message or help: %+v", f)
				}
			}
		})
	}
}

func dump(fs []lint.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %d:%d-%d:%d %s: %s\n", f.Line, f.Column, f.EndLine, f.EndColumn, f.Rule, f.Message)
	}
	return b.String()
}

// TestExamples checks every rule's documented examples: Bad is flagged by
// the rule, and Good draws no finding from any rule (opt-in rules other than
// its own excepted: see exceptOtherOptIns).
func TestExamples(t *testing.T) {
	for _, r := range rules.All() {
		if r.Run == nil {
			continue
		}
		t.Run(r.ID, func(t *testing.T) {
			if r.Bad == "" || r.Good == "" {
				t.Fatal("rule has no Bad or Good example")
			}
			if r.Doc == "" || r.Summary == "" {
				t.Fatal("rule has no Doc or Summary")
			}
			if got := positions(lintExample(t, r, r.Bad), r.ID); len(got) == 0 {
				t.Errorf("Bad example is not flagged:\n%s", r.Bad)
			}
			if fs := exceptOtherOptIns(lintExample(t, r, r.Good), r.ID); len(fs) > 0 {
				t.Errorf("Good example draws findings:\n%s\n%s", r.Good, dump(fs))
			}
		})
	}
}

// exampleHistory is the schema every rule example runs against, as on the
// rules' documentation pages: a small Prisma app whose tables hold
// production data.
var exampleHistory = []string{ruledoc.History}
