package cli

import (
	"fmt"
	"io"
	"strings"

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
		fmt.Fprintf(stdout, "# %s\n\n%s (default severity: %s)\n\n%s\n", r.ID, r.Summary, r.Severity, r.Doc)
		if r.Bad != "" {
			fmt.Fprintf(stdout, "\nFlagged:\n\n    %s\n", strings.ReplaceAll(r.Bad, "\n", "\n    "))
		}
		if r.Good != "" {
			fmt.Fprintf(stdout, "\nClean:\n\n    %s\n", strings.ReplaceAll(r.Good, "\n", "\n    "))
		}
		fmt.Fprintf(stdout, "\nSuppress with a reason, in the comments above the statement:\n\n    -- migrate-guard-ignore %s -- <reason>\n", r.ID)
	}
	return ExitOK
}
