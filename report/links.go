package report

// Repository is the GitHub repository (owner/name) whose docs/rules pages
// the reports link to.
const Repository = "migrate-guard/migrate-guard"

// RuleURL returns the address of a rule's documentation page.
func RuleURL(id string) string {
	return "https://github.com/" + Repository + "/blob/main/docs/rules/" + id + ".md"
}
