package action

import (
	"context"
	"encoding/base64"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/migrations"
	"github.com/migrate-guard/migrate-guard/prismaschema"
)

// release reads the schemas for the release checks of a pull request: the
// head's from the checkout, beside the migrations, and the running
// release's at the pull request's base commit, from git when the checkout
// has the commit, else from the contents API. When it cannot, it returns
// nil and says why, for the summary.
func (r *runner) release(ctx context.Context, s *migrations.Set) (*analysis.Release, string) {
	if r.pr == nil || r.pr.baseSHA == "" {
		return nil, "not a pull request"
	}
	dir := r.repoPath(s.Dir)
	wt := prismaschema.DirSource(r.root)
	headPath, err := prismaschema.FindNear(wt, dir)
	if err != nil {
		return nil, "no schema.prisma found beside the migrations"
	}
	head, err := prismaschema.Load(wt, headPath, "")
	if err != nil {
		return nil, err.Error()
	}
	var src prismaschema.Source = prismaschema.GitSource{Dir: r.root, Ref: r.pr.baseSHA}
	where := "git"
	if !src.(prismaschema.GitSource).Exists() {
		if r.api == nil {
			return nil, fmt.Sprintf("the base commit %.7s is not in the checkout (use `fetch-depth: 0`) and there is no github-token to read it through the API", r.pr.baseSHA)
		}
		src, where = &contentsSource{ctx: ctx, c: r.api, pr: r.pr}, "the GitHub API"
	}
	basePath := headPath
	if _, err := src.ReadFile(headPath); err != nil {
		if _, err := src.ReadDir(headPath); err != nil {
			if basePath, err = prismaschema.FindNear(src, dir); err != nil {
				return nil, fmt.Sprintf("no schema.prisma found at the base commit %.7s", r.pr.baseSHA)
			}
		}
	}
	base, err := prismaschema.Load(src, basePath, r.pr.baseSHA[:min(7, len(r.pr.baseSHA))]+":")
	if err != nil {
		return nil, fmt.Sprintf("the base commit's schema cannot be read (%s): %v", where, err)
	}
	return &analysis.Release{Base: base, Head: head}, ""
}

// contentsSource reads the repository at the pull request's base commit
// through GitHub's contents API.
type contentsSource struct {
	ctx context.Context
	c   *client
	pr  *pullRequest
}

type contentsEntry struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Encoding string `json:"encoding"`
	Content  string `json:"content"`
}

func (s *contentsSource) get(name string, out any) error {
	segs := strings.Split(path.Clean(name), "/")
	for i, seg := range segs {
		segs[i] = url.PathEscape(seg)
	}
	u := fmt.Sprintf("%s/repos/%s/%s/contents/%s?ref=%s", s.c.base, s.pr.owner, s.pr.repo, strings.Join(segs, "/"), url.QueryEscape(s.pr.baseSHA))
	_, err := s.c.do(s.ctx, http.MethodGet, u, nil, out)
	if e, ok := err.(*apiError); ok && e.Status == http.StatusNotFound {
		return fmt.Errorf("%s: %w", name, fs.ErrNotExist)
	}
	return err
}

// ReadFile returns a file's contents at the base commit.
func (s *contentsSource) ReadFile(name string) ([]byte, error) {
	var e contentsEntry
	if err := s.get(name, &e); err != nil {
		return nil, err
	}
	if e.Type != "file" || e.Encoding != "base64" {
		return nil, fmt.Errorf("%s: not a file the contents API returns (type %q, encoding %q)", name, e.Type, e.Encoding)
	}
	return base64.StdEncoding.DecodeString(strings.ReplaceAll(e.Content, "\n", ""))
}

// ReadDir lists a directory at the base commit.
func (s *contentsSource) ReadDir(name string) ([]string, error) {
	var ents []contentsEntry
	if err := s.get(name, &ents); err != nil {
		return nil, err
	}
	out := make([]string, len(ents))
	for i, e := range ents {
		out[i] = e.Name
		if e.Type == "dir" {
			out[i] += "/"
		}
	}
	return out, nil
}
