package rules_test

import (
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/lint"
)

// assertFinding checks that a finding of rule carries every text in its
// message or fix.
func assertFinding(t *testing.T, fs []lint.Finding, rule string, texts ...string) {
	t.Helper()
	for _, f := range fs {
		if f.Rule != rule {
			continue
		}
		all := f.Message + "\n" + f.Help + "\n" + f.Fix
		for _, s := range texts {
			if !strings.Contains(all, s) {
				t.Errorf("%s finding lacks %q:\n%s", rule, s, all)
			}
		}
		return
	}
	t.Errorf("no %s finding; findings:\n%s", rule, dump(fs))
}
