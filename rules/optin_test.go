package rules_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/lint"
	"github.com/migrate-guard/migrate-guard/migrations"
	"github.com/migrate-guard/migrate-guard/rules"
)

// exceptOtherOptIns drops the findings of opt-in rules other than own. They
// judge house style and deploy policy (TIMESTAMP(3), SERIAL, a missing
// lock_timeout), which the examples of other rules, written as Prisma
// writes migrations, need not follow.
func exceptOtherOptIns(fs []lint.Finding, own string) []lint.Finding {
	var out []lint.Finding
	for _, f := range fs {
		if r := rules.ByID(f.Rule); f.Rule == own || r == nil || r.Severity != analysis.Off {
			out = append(out, f)
		}
	}
	return out
}

// TestOptInExamplesFollowEachOther checks that the Good example of an
// opt-in rule draws no finding from any rule, the other opt-in rules
// included: it shows the style those rules ask for. require-lock-timeout is
// excepted for the examples of other rules: it is about how migrations are
// deployed, and every example touching an existing table would need a SET.
func TestOptInExamplesFollowEachOther(t *testing.T) {
	for _, r := range rules.All() {
		if r.Severity != analysis.Off || r.Run == nil {
			continue
		}
		var fs []lint.Finding
		for _, f := range lintSQL(t, exampleHistory, r.Good, 0) {
			if f.Rule != rules.RequireLockTimeout.ID || r == rules.RequireLockTimeout {
				fs = append(fs, f)
			}
		}
		if len(fs) > 0 {
			t.Errorf("%s: Good example draws findings:\n%s\n%s", r.ID, r.Good, dump(fs))
		}
	}
}

// mustStayOptIn are rules that flag what Prisma generates for safe
// migrations (TIMESTAMP(3), SERIAL keys, unindexed relations, appended
// enum values, no lock_timeout): on by default they would be noise.
var mustStayOptIn = []string{"prefer-jsonb", "prefer-text-over-char", "prefer-timestamptz", "prefer-identity",
	"prefer-bigint-primary-key", "foreign-key-without-index", "drop-not-null", "add-enum-value-unordered"}

// quietByDefault are rules on by default that must still be silent on the
// corpora without configuration: require-lock-timeout speaks only when
// deployed-by names a runner that sets no lock_timeout.
var quietByDefault = []string{"require-lock-timeout"}

// optInCorpora are the Prisma histories of the shared corpus.
var optInCorpora = []string{"triggerdotdev__trigger.dev", "langfuse__langfuse", "hoppscotch__hoppscotch", "umami-software__umami"}

// TestOptInQuietByDefault lints every migration of the Prisma corpora with
// the default configuration: no opt-in rule may report. Enabled, the
// opt-in rules must find something there, or the first half proves nothing.
func TestOptInQuietByDefault(t *testing.T) {
	corpus := filepath.Join("..", "..", "shared", "corpus")
	if _, err := os.Stat(corpus); err != nil {
		t.Skipf("!!! SKIPPING the opt-in check on real migrations: the corpus %s is absent (%v). Nothing was checked. !!!", corpus, err)
	}
	optIn := map[string]bool{}
	for _, r := range rules.All() {
		if r.Severity == analysis.Off {
			optIn[r.ID] = true
		}
	}
	for _, id := range mustStayOptIn {
		if !optIn[id] {
			t.Errorf("%s is on by default; it must stay opt-in", id)
		}
		optIn[id] = true
	}
	for _, id := range quietByDefault {
		optIn[id] = true
	}
	enabled := lint.DefaultConfig()
	for id := range optIn {
		enabled.Rules[id] = analysis.Notice
	}
	found := 0
	for _, name := range optInCorpora {
		sets, err := migrations.Discover([]string{filepath.Join(corpus, name)})
		if err != nil {
			t.Fatal(err)
		}
		res, err := lint.Run(sets, lint.DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range res.Findings {
			if optIn[f.Rule] {
				t.Errorf("%s:%d: opt-in rule %s reports with the default configuration", f.File, f.Line, f.Rule)
			}
		}
		if res, err = lint.Run(sets, enabled); err != nil {
			t.Fatal(err)
		}
		for _, f := range res.Findings {
			if optIn[f.Rule] {
				found++
			}
		}
	}
	if found == 0 {
		t.Error("the opt-in rules, enabled, report nothing on the Prisma corpora")
	}
}
