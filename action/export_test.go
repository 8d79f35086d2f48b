package action

// The Markdown renderer, for the tests of package action_test.
type (
	MarkdownReport = markdownReport
	LintDir        = lintDir
	DeployRun      = deployRun
	StatusRun      = statusRun
)

var Markdown = renderMarkdown

const (
	SummaryLimit = summaryLimit
	CommentLimit = commentLimit
)
