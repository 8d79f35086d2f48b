package rules_test

import (
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/lint"
)

// findingOf returns the single finding of rule on sql after history.
func findingOf(t *testing.T, history []string, sql, rule string) lint.Finding {
	t.Helper()
	var out []lint.Finding
	for _, f := range lintSQL(t, history, sql, 0) {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	if len(out) != 1 {
		t.Fatalf("want one %s finding, got %d", rule, len(out))
	}
	return out[0]
}

// wantFix checks that every finding of rule on sql has a fix holding each
// of want, in order.
func wantFix(t *testing.T, history []string, sql, rule string, want ...string) {
	t.Helper()
	n := 0
	for _, f := range lintSQL(t, history, sql, 0) {
		if f.Rule != rule {
			continue
		}
		n++
		rest := f.Fix
		for _, w := range want {
			i := strings.Index(rest, w)
			if i < 0 {
				t.Fatalf("fix lacks %q (in order); fix:\n%s", w, f.Fix)
			}
			rest = rest[i+len(w):]
		}
	}
	if n == 0 {
		t.Fatalf("%s did not fire", rule)
	}
}
