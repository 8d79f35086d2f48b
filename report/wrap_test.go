package report

import (
	"strings"
	"testing"
)

func TestWrapKeepsCodeSpans(t *testing.T) {
	got := wrap("suppress it with `-- migrate-guard-ignore drop-column -- <reason>` in the comment block above", 30, "  ")
	if !strings.Contains(got, "`-- migrate-guard-ignore drop-column -- <reason>`") {
		t.Errorf("a code span is broken across lines:\n%s", got)
	}
	if strings.Count(got, "\n") < 2 {
		t.Errorf("the text around the code span is not wrapped:\n%s", got)
	}
}
