package action_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/migrate-guard/migrate-guard/action"
	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/deploy"
	"github.com/migrate-guard/migrate-guard/lint"
	"github.com/migrate-guard/migrate-guard/report"
)

func fileURL(path string, line int) string {
	return fmt.Sprintf("https://github.com/acme/shop/blob/abc123/%s#L%d", path, line)
}

// TestMarkdownGolden renders a lint result (testdata/markdown_lint.json, the
// JSON report of report/testdata's fixture) as a pull request comment and as
// a job summary with deploy and status results.
func TestMarkdownGolden(t *testing.T) {
	res := lintResult(t, "testdata/markdown_lint.json")
	comment := action.Markdown(&action.MarkdownReport{
		Marker: "<!-- migrate-guard:testdata/prisma/migrations -->", Title: "migrate-guard", Limit: action.CommentLimit,
		FileURL: fileURL, Lint: []action.LintDir{{Dir: "testdata/prisma/migrations", Result: res}},
	})
	golden(t, "markdown_comment.golden", comment)

	applied := time.Date(2024, 2, 1, 12, 0, 0, 0, time.UTC)
	summary := action.Markdown(&action.MarkdownReport{
		Title: "migrate-guard", Limit: action.SummaryLimit,
		Lint: []action.LintDir{
			{Dir: "testdata/prisma/migrations", Result: res, Note: "Linted the 1 migration this pull request adds or changes."},
			{Dir: "packages/billing/prisma/migrations", Note: "No migration changed in this pull request."},
		},
		Deploys: []action.DeployRun{
			{Dir: "prisma/migrations", Summary: &deploy.Summary{Target: "app@db:5432/shop", Skipped: 3, Took: 1534 * time.Millisecond,
				Applied: []deploy.Applied{{Name: "20240201120000_add_handle", Took: 812*time.Millisecond + 4321}}},
				Warnings: []string{"migration 20240101000000_init was modified after it was applied"}},
			{Dir: "prisma/other", Err: errors.New("migration 20240301000000_x failed: prisma/other/20240301000000_x/migration.sql:3:1: ERROR 55P03: canceling statement due to lock timeout")},
		},
		Status: []action.StatusRun{{Dir: "prisma/migrations", Report: &deploy.StatusReport{Target: "app@db:5432/shop", Migrations: []deploy.MigrationStatus{
			{Name: "20240101000000_init", State: deploy.StateApplied, AppliedAt: &applied},
			{Name: "20240201120000_add_handle", State: deploy.StatePending},
		}}}},
	})
	golden(t, "markdown_summary.golden", summary)
	for _, want := range []string{"| ❌ error | [adding-required-column](" + report.RuleURL("adding-required-column") + ") | [11](",
		"<details><summary>Line 11, adding-required-column: how to fix it</summary>", "```sql\n-- Migration 1: add the column as nullable.",
		"### Deploy: `prisma/migrations`", "| `20240201120000_add_handle` | 812ms |", "❌ **Deploy failed:**", "| `20240201120000_add_handle` | pending |"} {
		if !strings.Contains(summary+comment, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	if !strings.HasPrefix(comment, "<!-- migrate-guard:testdata/prisma/migrations -->\n") {
		t.Errorf("comment does not start with its marker:\n%s", comment)
	}
}

func TestMarkdownClean(t *testing.T) {
	cases := []struct {
		dirs []action.LintDir
		want string
	}{
		{[]action.LintDir{{Dir: "prisma/migrations", Result: &lint.Result{Files: 2}}}, "✅ No findings in 2 migration files linted.\n"},
		{[]action.LintDir{{Dir: "prisma/migrations", Note: "No migration changed in this pull request."}}, "No migrations linted.\n"},
	}
	for _, c := range cases {
		got := action.Markdown(&action.MarkdownReport{Title: "migrate-guard", Limit: action.CommentLimit, Lint: c.dirs})
		if !strings.HasPrefix(got, "## migrate-guard\n\n"+c.want) {
			t.Errorf("got:\n%s\nwant it to start with the title and %q", got, c.want)
		}
		if strings.Contains(got, "cut to fit") {
			t.Errorf("clean report is truncated:\n%s", got)
		}
	}
}

// TestMarkdownEscaping checks rule text cannot break the table, become
// HTML, or notify a GitHub user, while code spans stay verbatim.
func TestMarkdownEscaping(t *testing.T) {
	res := &lint.Result{Files: 1, Findings: []lint.Finding{{
		File: "prisma/migrations/1_x/migration.sql", Line: 3, Column: 1, EndLine: 3, EndColumn: 2, Rule: "rename-column", Severity: analysis.Warning,
		Message: "renaming breaks <old> code | use @map or `a|b <c> @d`\nsecond line",
		Help:    "Use @map(\"old\") with `@@map` and ```sql```.",
		Fix:     "SELECT '```';",
	}}}
	got := action.Markdown(&action.MarkdownReport{Title: "t", Limit: action.CommentLimit, Lint: []action.LintDir{{Dir: "d", Result: res}}})
	for _, want := range []string{
		"| renaming breaks &lt;old&gt; code \\| use &#64;map or `a\\|b <c> @d`<br>second line |",
		"Use &#64;map(\"old\") with `@@map`",
		"````sql\nSELECT '```';\n````",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("lacks %q:\n%s", want, got)
		}
	}
}

// many returns a result with n findings spread over files, each with help
// and a fix.
func many(n int) *lint.Result {
	res := &lint.Result{Files: n / 5}
	for i := 0; i < n; i++ {
		res.Findings = append(res.Findings, lint.Finding{
			File: fmt.Sprintf("prisma/migrations/2024%06d_m/migration.sql", i/5), Line: i%5 + 1, Column: 1, EndLine: i%5 + 1, EndColumn: 10,
			Rule: "drop-column", Severity: analysis.Severity(1 + i%3), Message: fmt.Sprintf("finding %d drops column \"c%d\" é", i, i),
			Help: "Stop reading the column first, then drop it in a later deploy.", Fix: strings.Repeat("-- fix line\n", 3),
		})
	}
	return res
}

var omittedRe = regexp.MustCompile(`: (\d+) findings? not shown in full`)

// TestMarkdownLimit checks a report that is too long is cut between
// elements, stays under the limit, and says how many findings it left out.
func TestMarkdownLimit(t *testing.T) {
	cases := []struct {
		name  string
		n     int
		limit int
		cut   bool
	}{
		{"comment, fits", 20, action.CommentLimit, false},
		{"comment, too long", 2000, action.CommentLimit, true},
		{"summary, fits", 2000, action.SummaryLimit, false},
		{"summary, too long", 20000, action.SummaryLimit, true},
		{"tiny", 30, 3000, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := many(c.n)
			got := action.Markdown(&action.MarkdownReport{Marker: "<!-- m -->", Title: "migrate-guard", Limit: c.limit,
				MoreURL: "https://github.com/acme/shop/actions/runs/1", Lint: []action.LintDir{{Dir: "prisma/migrations", Result: res}}})
			if len(got) > c.limit || utf8.RuneCountInString(got) > c.limit {
				t.Fatalf("%d bytes, over the limit of %d", len(got), c.limit)
			}
			if strings.Count(got, "<details>") != strings.Count(got, "</details>") || strings.Count(got, "```")%2 != 0 {
				t.Errorf("cut inside an element")
			}
			m := omittedRe.FindStringSubmatch(got)
			if (m != nil) != c.cut || strings.Contains(got, "cut to fit") != c.cut {
				t.Fatalf("truncation note present %v, want %v:\n%s", m != nil, c.cut, got[max(0, len(got)-500):])
			}
			omitted := 0
			if m != nil {
				omitted, _ = strconv.Atoi(m[1])
				if !strings.Contains(got, "(https://github.com/acme/shop/actions/runs/1)") {
					t.Error("the note does not link the full report")
				}
			}
			if shown := strings.Count(got, "<details>"); shown+omitted != c.n {
				t.Errorf("%d findings shown in full + %d omitted != %d", shown, omitted, c.n)
			}
		})
	}
}

// lintResult reads a lint result from a JSON report: the Markdown tests
// render fixed findings, whatever the rules say today.
func lintResult(t *testing.T, path string) *lint.Result {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Files    int            `json:"files"`
		Findings []lint.Finding `json:"findings"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	return &lint.Result{Files: rep.Files, Findings: rep.Findings}
}
