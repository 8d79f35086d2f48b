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

// wantFix checks that a rule's fix holds every line of want, in order.
func wantFix(t *testing.T, history []string, sql, rule string, want ...string) {
	t.Helper()
	fix := findingOf(t, history, sql, rule).Fix
	rest := fix
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Fatalf("fix lacks %q (in order); fix:\n%s", w, fix)
		}
		rest = rest[i+len(w):]
	}
}
