package rules_test

import (
	"testing"

	"github.com/migrate-guard/migrate-guard/internal/linttest"
)

// TestWant lints the SQL of testdata/want, whose `-- want "rule-id"`
// comments sit on the lines findings must start on (see internal/linttest):
// a finding on another line, a missing one or an extra one fails.
func TestWant(t *testing.T) { linttest.Run(t, "testdata/want") }
