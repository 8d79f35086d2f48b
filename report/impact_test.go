package report_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/lint"
	"github.com/migrate-guard/migrate-guard/report"
	"github.com/migrate-guard/migrate-guard/rules"
	"github.com/migrate-guard/migrate-guard/stats"
)

// TestImpactInEveryFormat: a finding sized by stats shows the table's size
// and the estimate in the text and SARIF reports, and its impact in JSON and
// in SARIF's properties (action/stats_test.go checks the Markdown).
func TestImpactInEveryFormat(t *testing.T) {
	st, err := stats.Parse([]byte(`{"version":1,"tables":[{"schema":"public","name":"Order","rows":48200000,
		"rows_source":"reltuples","heap_bytes":9663676416,"total_bytes":13314398618,
		"indexes":[{"name":"a","bytes":1,"method":"btree","unique":true},{"name":"b","bytes":1,"method":"btree","unique":false},
		{"name":"c","bytes":1,"method":"btree","unique":false}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	cfg := lint.DefaultConfig()
	for _, r := range rules.All() {
		if r != rules.RequireConcurrentIndex {
			cfg.Rules[r.ID] = analysis.Off
		}
	}
	delete(cfg.Rules, rules.RequireConcurrentIndex.ID)
	cfg.Stats = st
	res, err := lint.RunText([]lint.Text{{Path: "1.sql", SQL: []byte(`CREATE TABLE "Order" (id int, "userId" int);`)}},
		lint.Text{Path: "2.sql", SQL: []byte(`CREATE INDEX "Order_userId_idx" ON "Order"("userId");`)}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || res.Findings[0].Impact == nil {
		t.Fatalf("findings = %+v", res.Findings)
	}
	const size = `("Order": 48.2 M rows, 12.4 GB, 3 indexes; writes blocked for an estimated `
	var text, js, sarif bytes.Buffer
	if err := report.Text(&text, res, false); err != nil {
		t.Fatal(err)
	}
	if err := report.JSON(&js, res); err != nil {
		t.Fatal(err)
	}
	if err := report.SARIF(&sarif, res, "v1"); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"text": strings.Join(strings.Fields(text.String()), " "), "sarif": strings.ReplaceAll(sarif.String(), `\"`, `"`)} {
		if !strings.Contains(out, size) {
			t.Errorf("%s report does not state the size and estimate:\n%s", name, out)
		}
	}
	var doc struct {
		Findings []struct {
			Impact map[string]any `json:"impact"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	im := doc.Findings[0].Impact
	if im["table"] != "public.Order" || im["rows"] != 48200000.0 || im["bytes"] != 13314398618.0 || im["lock"] != "SHARE" ||
		im["blocks"] != "writes" || len(im["estimated_seconds"].([]any)) != 2 {
		t.Errorf("JSON impact = %v", im)
	}
	if !strings.Contains(sarif.String(), `"properties": {`) || !strings.Contains(sarif.String(), `"table": "public.Order"`) {
		t.Errorf("SARIF has no impact property:\n%s", sarif.String())
	}
}
