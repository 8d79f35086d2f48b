package action

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// maxPages bounds pagination, so that a server sending endless next links
// cannot keep the step running. The PR files API stops at 3,000 files.
const maxPages = 100

// client calls GitHub's REST API at GITHUB_API_URL (github.com or a GitHub
// Enterprise Server), authenticated with the github-token input.
type client struct {
	base  string // without a trailing slash
	token string
	http  *http.Client
}

func newClient(base, token string) *client {
	return &client{base: strings.TrimRight(base, "/"), token: token, http: &http.Client{Timeout: 30 * time.Second}}
}

// apiError is a response other than 2xx.
type apiError struct {
	Method, Path string
	Status       int
	Message      string
}

func (e *apiError) Error() string {
	msg := fmt.Sprintf("GitHub API %s %s: %d %s", e.Method, e.Path, e.Status, http.StatusText(e.Status))
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// forbidden reports a 403, which a pull request from a fork gets: its token
// is read-only.
func forbidden(err error) bool {
	e, ok := err.(*apiError)
	return ok && e.Status == http.StatusForbidden
}

// do sends one request to url and decodes the JSON answer into out. It
// returns the next page's address from the Link header, if any.
func (c *client) do(ctx context.Context, method, url string, body, out any) (next string, err error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return "", err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		return "", err
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	req.Header.Set("User-Agent", "migrate-guard")
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("GitHub API %s %s: %w", method, c.path(url), err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return "", err
	}
	if resp.StatusCode/100 != 2 {
		var m struct{ Message string }
		_ = json.Unmarshal(data, &m)
		return "", &apiError{Method: method, Path: c.path(url), Status: resp.StatusCode, Message: m.Message}
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return "", fmt.Errorf("GitHub API %s %s: %w", method, c.path(url), err)
		}
	}
	return nextLink(resp.Header.Get("Link")), nil
}

// path is url without the API base, for messages.
func (c *client) path(url string) string { return strings.TrimPrefix(url, c.base) }

// getAll GETs every page of a list endpoint (path with its query) and appends
// the items to *out.
func getAll[T any](ctx context.Context, c *client, path string, out *[]T) error {
	url := c.base + path
	for page := 0; url != ""; page++ {
		if page == maxPages {
			return fmt.Errorf("GitHub API GET %s: more than %d pages", path, maxPages)
		}
		var items []T
		next, err := c.do(ctx, http.MethodGet, url, nil, &items)
		if err != nil {
			return err
		}
		*out = append(*out, items...)
		if next != "" && !strings.HasPrefix(next, c.base+"/") {
			return fmt.Errorf("GitHub API GET %s: next page %q is not on %s", path, next, c.base)
		}
		url = next
	}
	return nil
}

// nextLink returns the rel="next" address of a Link header.
func nextLink(header string) string {
	for _, part := range strings.Split(header, ",") {
		target, params, ok := strings.Cut(strings.TrimSpace(part), ";")
		if !ok || !strings.HasPrefix(target, "<") || !strings.HasSuffix(target, ">") {
			continue
		}
		for _, p := range strings.Split(params, ";") {
			if strings.ReplaceAll(strings.TrimSpace(p), " ", "") == `rel="next"` {
				return target[1 : len(target)-1]
			}
		}
	}
	return ""
}

// prFile is one file of a pull request, as GET /pulls/{n}/files lists it.
type prFile struct {
	Filename         string `json:"filename"`
	Status           string `json:"status"` // added, removed, modified, renamed, copied, changed, unchanged
	PreviousFilename string `json:"previous_filename"`
	Patch            string `json:"patch"`
}

// pullRequest is the pull request the workflow runs for.
type pullRequest struct {
	owner, repo string
	number      int
	baseRef     string
	baseSHA     string
	headSHA     string
}

func (c *client) prFiles(ctx context.Context, pr *pullRequest) ([]prFile, error) {
	var files []prFile
	err := getAll(ctx, c, fmt.Sprintf("/repos/%s/%s/pulls/%d/files?per_page=100", pr.owner, pr.repo, pr.number), &files)
	return files, err
}

// issueComment is a comment on a pull request's conversation.
type issueComment struct {
	ID   int64  `json:"id"`
	Body string `json:"body"`
}

func (c *client) comments(ctx context.Context, pr *pullRequest) ([]issueComment, error) {
	var cs []issueComment
	err := getAll(ctx, c, fmt.Sprintf("/repos/%s/%s/issues/%d/comments?per_page=100", pr.owner, pr.repo, pr.number), &cs)
	return cs, err
}

func (c *client) createComment(ctx context.Context, pr *pullRequest, body string) error {
	_, err := c.do(ctx, http.MethodPost, c.base+fmt.Sprintf("/repos/%s/%s/issues/%d/comments", pr.owner, pr.repo, pr.number), map[string]string{"body": body}, nil)
	return err
}

func (c *client) updateComment(ctx context.Context, pr *pullRequest, id int64, body string) error {
	_, err := c.do(ctx, http.MethodPatch, c.base+fmt.Sprintf("/repos/%s/%s/issues/comments/%d", pr.owner, pr.repo, id), map[string]string{"body": body}, nil)
	return err
}
