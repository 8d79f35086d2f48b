package report_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/lint"
	"github.com/migrate-guard/migrate-guard/report"
	"github.com/migrate-guard/migrate-guard/rules"
)

// sarifRequired lists, from the SARIF 2.1.0 JSON schema
// (sarif-schema-2.1.0.json), the required properties of the objects
// SARIF writes, keyed by where they occur.
var sarifRequired = map[string][]string{
	"":                           {"version", "runs"},
	"runs[]":                     {"tool"},
	"runs[].tool":                {"driver"},
	"runs[].tool.driver":         {"name"},
	"runs[].tool.driver.rules[]": {"id"},
	"runs[].tool.driver.rules[].shortDescription":          {"text"},
	"runs[].tool.driver.rules[].fullDescription":           {"text"},
	"runs[].tool.driver.rules[].help":                      {"text"},
	"runs[].invocations[]":                                 {"executionSuccessful"},
	"runs[].results[]":                                     {"message"},
	"runs[].results[].message":                             {"text"},
	"runs[].results[].locations[].physicalLocation":        {"artifactLocation"},
	"runs[].results[].locations[].physicalLocation.region": {"startLine"},
}

// sarifEnums lists the schema's enumerations for the values SARIF writes.
var sarifEnums = map[string][]string{
	"version":                {"2.1.0"},
	"runs[].columnKind":      {"utf16CodeUnits", "unicodeCodePoints"},
	"runs[].results[].level": {"none", "note", "warning", "error"},
	"runs[].tool.driver.rules[].defaultConfiguration.level": {"none", "note", "warning", "error"},
}

// checkSARIF walks a decoded SARIF log and reports missing required
// properties, values outside an enumeration, and positions below 1.
func checkSARIF(t *testing.T, path string, v any) {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		for _, k := range sarifRequired[path] {
			if _, ok := v[k]; !ok {
				t.Errorf("%s: required property %q missing", path, k)
			}
		}
		for k, child := range v {
			p := strings.TrimPrefix(path+"."+k, ".")
			if enum, ok := sarifEnums[p]; ok && !contains(enum, child) {
				t.Errorf("%s = %v, not one of %v", p, child, enum)
			}
			if strings.HasSuffix(p, ".region") {
				for _, n := range []string{"startLine", "startColumn", "endLine", "endColumn"} {
					if x, ok := child.(map[string]any)[n].(float64); !ok || x < 1 {
						t.Errorf("%s.%s = %v, want an integer >= 1", p, n, x)
					}
				}
			}
			checkSARIF(t, p, child)
		}
	case []any:
		for _, child := range v {
			checkSARIF(t, path+"[]", child)
		}
	}
}

func contains(enum []string, v any) bool {
	for _, e := range enum {
		if e == v {
			return true
		}
	}
	return false
}

func sarifOf(t *testing.T, res *lint.Result) map[string]any {
	t.Helper()
	var b bytes.Buffer
	if err := report.SARIF(&b, res, "v1.2.3"); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	return doc
}

func TestSARIFSchema(t *testing.T) {
	for _, res := range []*lint.Result{fixture(t), {Files: 1}} {
		doc := sarifOf(t, res)
		checkSARIF(t, "", doc)
		if doc["$schema"] != report.SARIFSchema {
			t.Errorf("$schema = %v", doc["$schema"])
		}
	}
}

// TestSARIFContent checks the rule metadata and that each finding maps to
// a result on its rule, with SARIF's exclusive end column.
func TestSARIFContent(t *testing.T) {
	res := fixture(t)
	run := sarifOf(t, res)["runs"].([]any)[0].(map[string]any)
	driver := run["tool"].(map[string]any)["driver"].(map[string]any)
	if driver["name"] != "migrate-guard" || driver["version"] != "v1.2.3" {
		t.Errorf("driver %v", driver)
	}
	ruleList := driver["rules"].([]any)
	if len(ruleList) != len(rules.All()) {
		t.Fatalf("%d rules, want %d", len(ruleList), len(rules.All()))
	}
	for i, r := range rules.All() {
		got := ruleList[i].(map[string]any)
		if got["id"] != r.ID || got["helpUri"] != report.RuleURL(r.ID) || got["shortDescription"].(map[string]any)["text"] != r.Summary {
			t.Errorf("rule %d = %v, want %s", i, got, r.ID)
		}
	}
	results := run["results"].([]any)
	if len(results) != len(res.Findings) {
		t.Fatalf("%d results for %d findings", len(results), len(res.Findings))
	}
	levels := map[string]string{"error": "error", "warning": "warning", "notice": "note"}
	for i, f := range res.Findings {
		r := results[i].(map[string]any)
		idx := int(r["ruleIndex"].(float64))
		if r["ruleId"] != f.Rule || ruleList[idx].(map[string]any)["id"] != f.Rule || r["level"] != levels[f.Severity.String()] {
			t.Errorf("result %d = %v, finding %+v", i, r, f)
		}
		if msg := r["message"].(map[string]any)["text"].(string); !strings.HasPrefix(msg, f.Message) || !strings.Contains(msg, f.Help) {
			t.Errorf("result %d message %q", i, msg)
		}
		loc := r["locations"].([]any)[0].(map[string]any)["physicalLocation"].(map[string]any)
		art := loc["artifactLocation"].(map[string]any)
		region := loc["region"].(map[string]any)
		if art["uri"] != f.File || art["uriBaseId"] != "%SRCROOT%" {
			t.Errorf("result %d artifact %v, want %s", i, art, f.File)
		}
		if int(region["startLine"].(float64)) != f.Line || int(region["startColumn"].(float64)) != f.Column ||
			int(region["endLine"].(float64)) != f.EndLine || int(region["endColumn"].(float64)) != f.EndColumn+1 {
			t.Errorf("result %d region %v, finding %d:%d-%d:%d", i, region, f.Line, f.Column, f.EndLine, f.EndColumn)
		}
	}
}

func TestSARIFURI(t *testing.T) {
	res := &lint.Result{Files: 1, Findings: []lint.Finding{{File: "db/my migrations/1_x#2.sql", Line: 1, Column: 1, EndLine: 1, EndColumn: 1, Rule: "syntax-error"}}}
	run := sarifOf(t, res)["runs"].([]any)[0].(map[string]any)
	art := run["results"].([]any)[0].(map[string]any)["locations"].([]any)[0].(map[string]any)["physicalLocation"].(map[string]any)["artifactLocation"].(map[string]any)
	if art["uri"] != "db/my%20migrations/1_x%232.sql" {
		t.Errorf("uri %v", art["uri"])
	}
}
