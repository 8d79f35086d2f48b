package action_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fakeGitHub stands in for GitHub's REST API: the files of pull request 7
// of acme/shop and its comments, served a few per page so that clients must
// follow the Link headers.
type fakeGitHub struct {
	srv     *httptest.Server
	token   string
	perPage int

	mu       sync.Mutex
	files    []map[string]string
	comments []fakeComment
	nextID   int64
	// forbid answers 403 to the requests whose "METHOD /path" starts with
	// one of these prefixes, as GitHub does for a fork's read-only token.
	forbid   []string
	requests []string
	// contents are the files of the base commit (baseSHA) that the
	// contents API serves, by path.
	contents map[string]string
}

// baseSHA is the base commit of pull request 7.
const baseSHA = "1111111111111111111111111111111111111111"

type fakeComment struct {
	ID   int64  `json:"id"`
	Body string `json:"body"`
}

const (
	repoPath = "/repos/acme/shop"
	token    = "ghs_fakeToken4e7b9c1d"
)

func newFakeGitHub(t *testing.T) *fakeGitHub {
	g := &fakeGitHub{token: token, perPage: 2, nextID: 1000}
	g.srv = httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(g.srv.Close)
	return g
}

// addComment adds a comment someone else wrote, or an earlier run's.
func (g *fakeGitHub) addComment(body string) int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.nextID++
	g.comments = append(g.comments, fakeComment{ID: g.nextID, Body: body})
	return g.nextID
}

func (g *fakeGitHub) calls(prefix string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := 0
	for _, r := range g.requests {
		if strings.HasPrefix(r, prefix) {
			n++
		}
	}
	return n
}

func (g *fakeGitHub) serve(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	call := r.Method + " " + r.URL.Path
	g.requests = append(g.requests, call+"?"+r.URL.RawQuery)
	if r.Header.Get("Authorization") != "Bearer "+g.token {
		http.Error(w, `{"message":"Bad credentials"}`, http.StatusUnauthorized)
		return
	}
	for _, p := range g.forbid {
		if strings.HasPrefix(call, p) {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"message":"Resource not accessible by integration"}`)
			return
		}
	}
	switch {
	case call == "GET "+repoPath+"/pulls/7/files":
		g.page(w, r, len(g.files), func(i int) any { return g.files[i] })
	case call == "GET "+repoPath+"/issues/7/comments":
		g.page(w, r, len(g.comments), func(i int) any { return g.comments[i] })
	case call == "POST "+repoPath+"/issues/7/comments":
		var c fakeComment
		json.NewDecoder(r.Body).Decode(&c)
		g.nextID++
		c.ID = g.nextID
		g.comments = append(g.comments, c)
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(c)
	case r.Method == "GET" && strings.HasPrefix(r.URL.Path, repoPath+"/contents/"):
		g.serveContents(w, r, strings.TrimPrefix(r.URL.Path, repoPath+"/contents/"))
	case r.Method == "PATCH" && strings.HasPrefix(r.URL.Path, repoPath+"/issues/comments/"):
		id, _ := strconv.ParseInt(strings.TrimPrefix(r.URL.Path, repoPath+"/issues/comments/"), 10, 64)
		var c fakeComment
		json.NewDecoder(r.Body).Decode(&c)
		for i := range g.comments {
			if g.comments[i].ID == id {
				g.comments[i].Body = c.Body
				json.NewEncoder(w).Encode(g.comments[i])
				return
			}
		}
		http.NotFound(w, r)
	default:
		http.NotFound(w, r)
	}
}

// page writes one page of a list and, when more follow, a Link header
// naming the next and last pages, as GitHub does.
func (g *fakeGitHub) page(w http.ResponseWriter, r *http.Request, n int, item func(int) any) {
	p, _ := strconv.Atoi(r.URL.Query().Get("page"))
	p = max(p, 1)
	from, to := (p-1)*g.perPage, min(p*g.perPage, n)
	items := []any{}
	for i := from; i < to; i++ {
		items = append(items, item(i))
	}
	if to < n {
		last := (n + g.perPage - 1) / g.perPage
		link := func(page int) string {
			return fmt.Sprintf("%s%s?per_page=100&page=%d", g.srv.URL, r.URL.Path, page)
		}
		w.Header().Set("Link", fmt.Sprintf(`<%s>; rel="next", <%s>; rel="last"`, link(p+1), link(last)))
	}
	json.NewEncoder(w).Encode(items)
}

// serveContents answers the contents API at the base commit: a file's
// content in base64, or a directory's entries.
func (g *fakeGitHub) serveContents(w http.ResponseWriter, r *http.Request, p string) {
	if r.URL.Query().Get("ref") != baseSHA {
		http.NotFound(w, r)
		return
	}
	if text, ok := g.contents[p]; ok {
		json.NewEncoder(w).Encode(map[string]string{"type": "file", "name": path.Base(p), "encoding": "base64",
			"content": base64.StdEncoding.EncodeToString([]byte(text))})
		return
	}
	seen := map[string]bool{}
	var ents []map[string]string
	for f := range g.contents {
		rest, ok := strings.CutPrefix(f, p+"/")
		if !ok {
			continue
		}
		name, _, isDir := strings.Cut(rest, "/")
		if !seen[name] {
			seen[name] = true
			typ := "file"
			if isDir {
				typ = "dir"
			}
			ents = append(ents, map[string]string{"name": name, "type": typ})
		}
	}
	if ents == nil {
		http.NotFound(w, r)
		return
	}
	json.NewEncoder(w).Encode(ents)
}
