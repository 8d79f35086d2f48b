package prismaschema

import (
	"bytes"
	"fmt"
	"io/fs"
	"os/exec"
	"path"
	"strings"
)

// GitSource reads a project's files as they are at a git commit, with `git
// show` and `git ls-tree` run in Dir. Paths are relative to the repository's
// top level.
type GitSource struct {
	Dir string // any directory of the work tree
	Ref string // a commit, branch or tag
}

func (g GitSource) git(args ...string) ([]byte, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = g.Dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if strings.Contains(msg, "does not exist") || strings.Contains(msg, "exists on disk, but not in") {
			return nil, fmt.Errorf("%s: %w", msg, fs.ErrNotExist)
		}
		return nil, fmt.Errorf("git %s: %s", strings.Join(args, " "), msg)
	}
	return out, nil
}

// ReadFile returns the file's contents at the commit.
func (g GitSource) ReadFile(name string) ([]byte, error) {
	return g.git("show", g.Ref+":"+path.Clean(name))
}

// ReadDir lists the directory at the commit.
func (g GitSource) ReadDir(name string) ([]string, error) {
	dir := path.Clean(name)
	out, err := g.git("ls-tree", g.Ref, dir+"/")
	if err != nil {
		return nil, err
	}
	var names []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		meta, p, ok := strings.Cut(line, "\t")
		if !ok {
			continue
		}
		n := path.Base(p)
		if strings.Contains(meta, " tree ") {
			n += "/"
		}
		names = append(names, n)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: no such directory at %s: %w", name, g.Ref, fs.ErrNotExist)
	}
	return names, nil
}

// Prefix returns the path of Dir relative to the repository's top level
// ("" at the top), for turning work-tree paths into commit paths.
func (g GitSource) Prefix() (string, error) {
	out, err := g.git("rev-parse", "--show-prefix")
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(strings.TrimSpace(string(out)), "/"), nil
}

// Exists reports whether the repository has the commit (a shallow checkout
// may not).
func (g GitSource) Exists() bool {
	_, err := g.git("cat-file", "-e", g.Ref+"^{commit}")
	return err == nil
}
