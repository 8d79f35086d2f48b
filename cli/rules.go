package cli

import (
	"fmt"
	"io"

	"github.com/migrate-guard/migrate-guard/ruledoc"
	"github.com/migrate-guard/migrate-guard/rules"
)

func runRules(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("rules", "rules [rule-id]", stdout, stderr)
	ids, code := parseFlags(fs, args)
	if code >= 0 {
		return code
	}
	if len(ids) == 0 {
		for _, r := range rules.All() {
			fmt.Fprintf(stdout, "%-34s %-8s %s\n", r.ID, r.Severity, r.Summary)
		}
		return ExitOK
	}
	for _, id := range ids {
		r := rules.ByID(id)
		if r == nil {
			fmt.Fprintf(stderr, "migrate-guard: unknown rule %q (run `migrate-guard rules` for the list)\n", id)
			return ExitUsage
		}
		page, err := ruledoc.Page(r)
		if err != nil {
			fmt.Fprintln(stderr, "migrate-guard:", err)
			return ExitUsage
		}
		fmt.Fprint(stdout, page)
	}
	return ExitOK
}
