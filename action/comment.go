package action

import (
	"context"
	"fmt"
	"strings"
)

// marker is the hidden first line that finds a directory's comment again.
// The directory is escaped so that it cannot end the HTML comment.
func marker(dir string) string {
	return "<!-- migrate-guard:" + strings.NewReplacer("-", "%2D", ">", "%3E", "%", "%25").Replace(dir) + " -->"
}

// stickyComments keeps one comment per migrations directory on the pull
// request, updated in place. A directory that is clean and has no comment
// yet gets none.
func (r *runner) stickyComments(ctx context.Context) {
	if !r.in.comment || r.pr == nil || len(r.lintDirs) == 0 {
		return
	}
	if r.api == nil {
		r.warn("migrate-guard: no github-token, so no pull request comment; the findings are in the annotations and the job summary")
		return
	}
	existing, err := r.api.comments(ctx, r.pr)
	if err != nil {
		r.commentFailed(err)
		return
	}
	for _, d := range r.lintDirs {
		body := renderMarkdown(&markdownReport{
			Marker: marker(d.Dir), Title: "migrate-guard", Limit: commentLimit,
			MoreURL: r.runURL(), FileURL: r.fileURL, Lint: []lintDir{d},
		})
		var old *issueComment
		for i, c := range existing {
			if strings.HasPrefix(c.Body, marker(d.Dir)+"\n") {
				old = &existing[i]
				break
			}
		}
		switch {
		case old != nil && old.Body == body:
		case old != nil:
			err = r.api.updateComment(ctx, r.pr, old.ID, body)
		case d.Result != nil && len(d.Result.Findings) > 0:
			err = r.api.createComment(ctx, r.pr, body)
		}
		if err != nil {
			r.commentFailed(err)
			return
		}
	}
}

// commentFailed warns: a comment is a convenience, and the token of a pull
// request from a fork cannot write one.
func (r *runner) commentFailed(err error) {
	msg := fmt.Sprintf("migrate-guard: could not comment on the pull request: %v", err)
	if forbidden(err) {
		msg += " — the token is read-only (a pull request from a fork, or a workflow without `permissions: pull-requests: write`); the findings are in the annotations and the job summary"
	}
	r.warn(msg)
}
