package drift

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// jsonReport is the JSON shape: version 1.
type jsonReport struct {
	Version         int          `json:"version"`
	Drift           []Difference `json:"drift"`
	Target          string       `json:"target"`
	MissingFromDisk []string     `json:"missing_from_disk,omitempty"`
}

// WriteJSON writes {"version":1,"drift":[...]}.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(jsonReport{Version: 1, Target: r.Target, Drift: r.Drift, MissingFromDisk: r.MissingFromDisk})
}

// WriteText writes the report for a terminal.
func (r *Report) WriteText(w io.Writer) {
	r.writeMissing(w, "warning: ")
	if r.Clean() {
		fmt.Fprintf(w, "%s: no drift from the %d applied migrations (schemas %s)\n", r.Target, r.Applied, strings.Join(r.Schemas, ", "))
		return
	}
	fmt.Fprintf(w, "%s: %d %s from the %d applied migrations (schemas %s):\n", r.Target, len(r.Drift), plural(len(r.Drift), "difference"), r.Applied, strings.Join(r.Schemas, ", "))
	for _, d := range r.Drift {
		fmt.Fprintf(w, "  %-8s %s %s\n", d.Change, d.Kind, d.Object)
		if d.Database != "" {
			fmt.Fprintf(w, "      database: %s\n", indent(d.Database, "                "))
		}
		if d.History != "" {
			fmt.Fprintf(w, "      history:  %s\n", indent(d.History, "                "))
		}
	}
	fmt.Fprintln(w, "Fold the drift back into the history with `migrate-guard drift --write-migration NAME`, or undo it in the database.")
}

// WriteMarkdown writes the report for a job summary or a pull request.
func (r *Report) WriteMarkdown(w io.Writer) {
	fmt.Fprintf(w, "### Drift in `%s`\n\n", r.Target)
	r.writeMissing(w, "> **Warning:** ")
	if r.Clean() {
		fmt.Fprintf(w, "No drift: the schema matches the %d applied migrations.\n", r.Applied)
		return
	}
	fmt.Fprintf(w, "%d %s from the %d applied migrations.\n\n", len(r.Drift), plural(len(r.Drift), "difference"), r.Applied)
	fmt.Fprintln(w, "| Change | Kind | Object |\n|---|---|---|")
	for _, d := range r.Drift {
		fmt.Fprintf(w, "| %s | %s | `%s` |\n", d.Change, d.Kind, strings.ReplaceAll(d.Object, "|", `\|`))
	}
	for _, d := range r.Drift {
		fmt.Fprintf(w, "\n<details><summary>%s <code>%s</code> (%s)</summary>\n\n", d.Kind, d.Object, d.Change)
		if d.Database != "" {
			fmt.Fprintf(w, "Database:\n\n```sql\n%s\n```\n\n", d.Database)
		}
		if d.History != "" {
			fmt.Fprintf(w, "History:\n\n```sql\n%s\n```\n\n", d.History)
		}
		fmt.Fprintln(w, "</details>")
	}
	fmt.Fprintln(w, "\nFold the drift back into the history with `migrate-guard drift --write-migration NAME`, or undo it in the database.")
}

func (r *Report) writeMissing(w io.Writer, prefix string) {
	for _, m := range r.MissingFromDisk {
		fmt.Fprintf(w, "%smigration %s is applied but missing from disk: what it did is not in the expected schema, so drift it explains is reported and drift it hides is not\n", prefix, m)
	}
	if len(r.MissingFromDisk) > 0 && strings.HasPrefix(prefix, ">") {
		fmt.Fprintln(w)
	}
}

func indent(s, pad string) string { return strings.ReplaceAll(s, "\n", "\n"+pad) }

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
