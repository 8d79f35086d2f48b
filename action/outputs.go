package action

import (
	"fmt"
	"strings"

	gha "github.com/sethvargo/go-githubactions"
)

// outputDelimiter is the fixed heredoc delimiter go-githubactions writes
// around every value in GITHUB_OUTPUT. A value holding it would end the
// value early and let the rest of it set other outputs.
const outputDelimiter = "_GitHubActionsFileCommandDelimeter_"

// setOutput writes an output, refusing a name or value that could inject
// another one. Outside a runner (no GITHUB_OUTPUT) it does nothing.
func setOutput(a *gha.Action, name, value string) (err error) {
	if a.Getenv("GITHUB_OUTPUT") == "" {
		return nil
	}
	if strings.Contains(value, outputDelimiter) || strings.ContainsAny(name, "\r\n<") || strings.Contains(name, outputDelimiter) {
		return fmt.Errorf("output %q not set: its value holds GitHub's output delimiter", name)
	}
	defer func() {
		if p := recover(); p != nil { // go-githubactions panics when the file cannot be written
			err = fmt.Errorf("output %q not set: %v", name, p)
		}
	}()
	a.SetOutput(name, value)
	return nil
}

// addSummary appends Markdown to the job summary; outside a runner (no
// GITHUB_STEP_SUMMARY) it does nothing.
func addSummary(a *gha.Action, markdown string) (err error) {
	if a.Getenv("GITHUB_STEP_SUMMARY") == "" {
		return nil
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("job summary not written: %v", p)
		}
	}()
	a.AddStepSummary(markdown)
	return nil
}
