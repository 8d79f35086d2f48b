// Package report renders lint results for people and machines: a
// rustc-style terminal report, a stable JSON document and SARIF for code
// scanning. GitHub's Markdown (job summary, pull request comment) is the
// action package's.
package report

import (
	"encoding/json"
	"io"

	"github.com/migrate-guard/migrate-guard/lint"
)

// JSONVersion is the version of the JSON document's shape. It changes only
// when a field changes meaning or disappears.
const JSONVersion = 1

type jsonDoc struct {
	Version int `json:"version"`
	Files   int `json:"files"`
	// Runner is what the files were modelled for, as deployed-by spells it;
	// "" when nothing said.
	Runner   string            `json:"runner"`
	Runners  map[string]string `json:"runners,omitempty"` // per directory, when they differ
	Findings []lint.Finding    `json:"findings"`
}

// JSON writes the result as one JSON object.
func JSON(w io.Writer, res *lint.Result) error {
	doc := jsonDoc{Version: JSONVersion, Files: res.Files, Runner: res.RunnerName(), Findings: res.Findings}
	if doc.Runner == "mixed" {
		doc.Runners = map[string]string{}
		for _, d := range res.Runners {
			doc.Runners[d.Dir] = d.Runner.String()
		}
	}
	if doc.Findings == nil {
		doc.Findings = []lint.Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // keep "<value>" in fixes readable
	return enc.Encode(doc)
}
