package report_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/internal/linttest"
	"github.com/migrate-guard/migrate-guard/lint"
	"github.com/migrate-guard/migrate-guard/migrations"
	"github.com/migrate-guard/migrate-guard/report"
	"github.com/migrate-guard/migrate-guard/rules"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// stable are the rules the goldens rely on; every other rule is turned off so
// that rules added later do not change the goldens.
var stable = map[string]bool{
	"adding-required-column": true,
	"syntax-error":           true,
	"invalid-suppression":    true,
	"unused-suppression":     true,
	"migration-lock":         true,
}

// fixture lints testdata: a Prisma history whose last migration draws every
// kind of finding, and a Prisma directory without migration_lock.toml.
func fixture(t *testing.T) *lint.Result {
	t.Helper()
	cfg := lint.DefaultConfig()
	for _, r := range rules.All() {
		if !stable[r.ID] {
			cfg.Rules[r.ID] = analysis.Off
		}
	}
	sets, err := migrations.Discover([]string{"testdata/prisma/migrations", "testdata/legacy/migrations"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := lint.Run(sets, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	linttest.Golden(t, filepath.Join("testdata", name), got, *update)
}

func TestTextGolden(t *testing.T) {
	res := fixture(t)
	for _, c := range []struct {
		name  string
		color bool
	}{{"text.golden", false}, {"text_color.golden", true}} {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := report.Text(&b, res, c.color); err != nil {
				t.Fatal(err)
			}
			golden(t, c.name, b.Bytes())
			if hasEscape := bytes.Contains(b.Bytes(), []byte("\x1b[")); hasEscape != c.color {
				t.Errorf("colour %v, but escape codes present: %v", c.color, hasEscape)
			}
		})
	}
}

func TestJSONGolden(t *testing.T) {
	var b bytes.Buffer
	if err := report.JSON(&b, fixture(t)); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.json.golden", b.Bytes())
}

// TestFixtureFindings pins what the fixture must draw, so a golden cannot be
// updated into hiding a lost finding.
func TestFixtureFindings(t *testing.T) {
	res := fixture(t)
	var got []string
	for _, f := range res.Findings {
		got = append(got, filepath.ToSlash(f.File)+" "+f.Rule)
	}
	const mig = "testdata/prisma/migrations/20240201120000_add_handle/migration.sql"
	want := []string{
		mig + " adding-required-column",
		mig + " adding-required-column",
		mig + " unused-suppression",
		mig + " invalid-suppression",
		mig + " syntax-error",
		"testdata/legacy/migrations/migration_lock.toml migration-lock",
	}
	sort.Strings(got)
	sort.Strings(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("fixture findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if res.Files != 3 {
		t.Errorf("Files = %d, want 3", res.Files)
	}
}

// TestJSONShape decodes the JSON report and checks the documented shape:
// {"version":1,"files":N,"findings":[{file,line,column,end_line,end_column,
// rule,severity,message,help,fix}]}, 1-based positions.
func TestJSONShape(t *testing.T) {
	res := fixture(t)
	var b bytes.Buffer
	if err := report.JSON(&b, res); err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, b.String())
	}
	if got := keys(doc); !reflect.DeepEqual(got, []string{"files", "findings", "runner", "version"}) {
		t.Fatalf("top-level keys %v", got)
	}
	var version, files int
	mustDecode(t, doc["version"], &version)
	mustDecode(t, doc["files"], &files)
	if version != 1 || files != res.Files {
		t.Errorf("version %d, files %d; want 1, %d", version, files, res.Files)
	}
	var findings []map[string]any
	mustDecode(t, doc["findings"], &findings)
	if len(findings) != len(res.Findings) {
		t.Fatalf("%d findings in JSON, %d in the result", len(findings), len(res.Findings))
	}
	wantKeys := []string{"column", "end_column", "end_line", "file", "fix", "help", "line", "message", "rule", "severity"}
	for i, f := range findings {
		if got := keys(f); !reflect.DeepEqual(got, wantKeys) {
			t.Errorf("finding %d keys %v, want %v", i, got, wantKeys)
		}
		for _, k := range []string{"line", "column", "end_line", "end_column"} {
			n, ok := f[k].(float64)
			if !ok || n < 1 || n != float64(int(n)) {
				t.Errorf("finding %d: %s = %v, want a 1-based integer", i, k, f[k])
			}
		}
		for _, k := range []string{"file", "rule", "severity", "message", "help", "fix"} {
			if _, ok := f[k].(string); !ok {
				t.Errorf("finding %d: %s = %#v, want a string", i, k, f[k])
			}
		}
		if s := f["severity"]; s != "error" && s != "warning" && s != "notice" {
			t.Errorf("finding %d: severity %v", i, s)
		}
		r := res.Findings[i]
		if f["file"] != r.File || f["rule"] != r.Rule || int(f["line"].(float64)) != r.Line || int(f["end_column"].(float64)) != r.EndColumn {
			t.Errorf("finding %d = %v, result has %+v", i, f, r)
		}
	}
	// The required column on line 11 of the migration, exactly.
	first := findings[0]
	if first["rule"] != "adding-required-column" || first["line"] != 11.0 || first["column"] != 1.0 || first["end_line"] != 11.0 || first["end_column"] != 37.0 {
		t.Errorf("first finding %v, want adding-required-column at 11:1-11:37", first)
	}
}

func TestJSONEmpty(t *testing.T) {
	for _, res := range []*lint.Result{{Files: 2}, {Files: 2, Findings: []lint.Finding{}}} {
		var b bytes.Buffer
		if err := report.JSON(&b, res); err != nil {
			t.Fatal(err)
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, b.Bytes()); err != nil {
			t.Fatal(err)
		}
		if got := compact.String(); got != `{"version":1,"files":2,"runner":"","findings":[]}` {
			t.Errorf("empty report %s", got)
		}
		if !strings.HasSuffix(b.String(), "}\n") {
			t.Errorf("report does not end with a newline: %q", b.String())
		}
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func mustDecode(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
}

// textOf renders one finding on src, without colour.
func textOf(t *testing.T, src string, f lint.Finding) string {
	t.Helper()
	file, err := sqlfile.Parse("m.sql", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	f.File = "m.sql"
	res := &lint.Result{Files: 1, Findings: []lint.Finding{f}, Sources: map[string]*sqlfile.File{"m.sql": file}}
	var b bytes.Buffer
	if err := report.Text(&b, res, false); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestTextUnderline checks the carets line up under the flagged text,
// whatever the line holds before it.
func TestTextUnderline(t *testing.T) {
	cases := []struct {
		name, src string
		f         lint.Finding
		want      string // the quoted line and the caret line
	}{
		{"spaces", "ALTER TABLE \"T\" ADD COLUMN \"c\" TEXT NOT NULL;\n",
			lint.Finding{Line: 1, Column: 17, EndLine: 1, EndColumn: 44},
			"1 | ALTER TABLE \"T\" ADD COLUMN \"c\" TEXT NOT NULL;\n  |                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"},
		{"tab before the flagged text", "ALTER TABLE \"T\"\n\tADD COLUMN \"c\"\tTEXT NOT NULL;\n",
			lint.Finding{Line: 2, Column: 2, EndLine: 2, EndColumn: 28},
			"2 |     ADD COLUMN \"c\"    TEXT NOT NULL;\n  |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"},
		{"multi-byte characters", "ALTER TABLE \"Üser\" ADD COLUMN \"é\" TEXT NOT NULL;\n",
			lint.Finding{Line: 1, Column: 20, EndLine: 1, EndColumn: 47},
			"1 | ALTER TABLE \"Üser\" ADD COLUMN \"é\" TEXT NOT NULL;\n  |                    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"},
		{"point at the end of the file", "SELECT 1 +",
			lint.Finding{Line: 1, Column: 11, EndLine: 1, EndColumn: 11},
			"1 | SELECT 1 +\n  |           ^\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.f.Rule, c.f.Severity, c.f.Message = "adding-required-column", analysis.Error, "m"
			got := textOf(t, c.src, c.f)
			if !strings.Contains(got, c.want) {
				t.Errorf("got:\n%s\nwant it to hold:\n%s", got, c.want)
			}
		})
	}
}

func TestTextLongSpan(t *testing.T) {
	var src strings.Builder
	src.WriteString("CREATE TABLE \"T\" (\n")
	for i := 0; i < 10; i++ {
		src.WriteString("    \"c\" INTEGER,\n")
	}
	src.WriteString("    \"z\" INTEGER\n);\n")
	got := textOf(t, src.String(), lint.Finding{Line: 1, Column: 1, EndLine: 13, EndColumn: 1, Rule: "syntax-error", Severity: analysis.Error, Message: "m"})
	if !strings.Contains(got, "\n6 |     \"c\" INTEGER,\n") || strings.Contains(got, "\n7 |") {
		t.Errorf("quotes other than the first 6 lines:\n%s", got)
	}
	if !strings.Contains(got, "... 7 more lines") {
		t.Errorf("does not say how many lines are left out:\n%s", got)
	}
}

func TestTextWithoutSource(t *testing.T) {
	res := &lint.Result{Files: 1, Findings: []lint.Finding{{File: "prisma/migrations/migration_lock.toml", Line: 1, Column: 1, EndLine: 1, EndColumn: 1,
		Rule: "migration-lock", Severity: analysis.Warning, Message: "migration_lock.toml is missing", Help: "Keep it."}}}
	var b bytes.Buffer
	if err := report.Text(&b, res, false); err != nil {
		t.Fatal(err)
	}
	want := "warning[migration-lock]: migration_lock.toml is missing\n  --> prisma/migrations/migration_lock.toml:1:1\n  = help: Keep it.\n\nmigrate-guard: 0 errors, 1 warning, 0 notices in 1 file\n"
	if b.String() != want {
		t.Errorf("got:\n%q\nwant:\n%q", b.String(), want)
	}
}

func TestTextSummary(t *testing.T) {
	cases := []struct {
		res  *lint.Result
		want string
	}{
		{&lint.Result{Files: 0}, "migrate-guard: no findings in 0 files\n"},
		{&lint.Result{Files: 1}, "migrate-guard: no findings in 1 file\n"},
		{&lint.Result{Files: 12, Findings: []lint.Finding{{Severity: analysis.Error}, {Severity: analysis.Error}, {Severity: analysis.Notice}}},
			"migrate-guard: 2 errors, 0 warnings, 1 notice in 12 files\n"},
	}
	for _, c := range cases {
		var b bytes.Buffer
		if err := report.Text(&b, c.res, false); err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(b.String(), c.want) {
			t.Errorf("got %q, want it to end with %q", b.String(), c.want)
		}
	}
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }

func TestWriteErrors(t *testing.T) {
	res := fixture(t)
	if err := report.Text(failWriter{}, res, false); err == nil {
		t.Error("Text ignored a write error")
	}
	if err := report.JSON(failWriter{}, res); err == nil {
		t.Error("JSON ignored a write error")
	}
}

// TestRuleURL checks the documentation links point at pages that exist.
func TestRuleURL(t *testing.T) {
	if got := report.RuleURL("drop-column"); got != "https://github.com/migrate-guard/migrate-guard/blob/main/docs/rules/drop-column.md" {
		t.Errorf("RuleURL = %s", got)
	}
}
