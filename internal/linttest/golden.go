package linttest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Golden compares got with the file at path, under the test package's
// testdata, or rewrites the file when update is set (the package's -update
// flag). A mismatch fails with a line diff and the command that accepts it.
func Golden(t testing.TB, path string, got []byte, update bool) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	cmd, shown := updateCommand(path)
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `%s` to create it)", err, cmd)
		return
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (- want, + got); run `%s` once the change is intended:\n%s",
			shown, cmd, Diff(string(want), string(got)))
	}
}

// Orphans fails for every file in dir that is not in want, the goldens the
// test wrote, so a renamed or removed case leaves no stale golden behind;
// with update it deletes them.
func Orphans(t testing.TB, dir string, want map[string]bool, update bool) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if want[e.Name()] {
			continue
		}
		path := filepath.Join(dir, e.Name())
		cmd, shown := updateCommand(path)
		if !update {
			t.Errorf("%s belongs to no case; run `%s` to delete it", shown, cmd)
		} else if err := os.Remove(path); err != nil {
			t.Error(err)
		}
	}
}

// updateCommand is the `go test` command that rewrites the golden at path,
// and path as seen from its package: the package is the directory holding
// its testdata, named from the module root as users type it.
func updateCommand(path string) (cmd, shown string) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "go test -update", path
	}
	pkg := abs
	for filepath.Base(pkg) != "testdata" && filepath.Dir(pkg) != pkg {
		pkg = filepath.Dir(pkg)
	}
	pkg = filepath.Dir(pkg)
	if rel, err := filepath.Rel(pkg, abs); err == nil {
		shown = rel
	}
	for root := pkg; filepath.Dir(root) != root; root = filepath.Dir(root) {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			rel, _ := filepath.Rel(root, pkg)
			return "go test ./" + strings.TrimSuffix(filepath.ToSlash(rel), ".") + " -update", shown
		}
	}
	return "go test -update", shown
}

// Diff returns a line diff of want and got: lines only in want start with
// "-", lines only in got with "+", and unchanged lines are kept for context
// only within two lines of a change.
func Diff(want, got string) string {
	a, b := lines(want), lines(got)
	ops := diffLines(a, b)
	const context = 2
	var out strings.Builder
	last := -1 // index of the last op written
	for i, op := range ops {
		if op.kind == ' ' && !nearChange(ops, i, context) {
			continue
		}
		if last >= 0 && i > last+1 {
			out.WriteString("  ...\n")
		}
		line := op.line
		if !strings.HasSuffix(line, "\n") {
			line += "\n\\ no newline at end\n"
		}
		fmt.Fprintf(&out, "%c %s", op.kind, line)
		last = i
	}
	return out.String()
}

// lines splits s after each line break; a last line without one is kept.
func lines(s string) []string {
	l := strings.SplitAfter(s, "\n")
	if l[len(l)-1] == "" {
		l = l[:len(l)-1]
	}
	return l
}

type diffOp struct {
	kind byte // ' ', '-' or '+'
	line string
}

// diffLines is the longest-common-subsequence diff of two line lists: the
// goldens are small, so the quadratic table is fine and the output minimal.
func diffLines(a, b []string) []diffOp {
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []diffOp
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			ops = append(ops, diffOp{' ', a[i]})
			i, j = i+1, j+1
		case i < len(a) && (j == len(b) || lcs[i+1][j] >= lcs[i][j+1]):
			ops = append(ops, diffOp{'-', a[i]})
			i++
		default:
			ops = append(ops, diffOp{'+', b[j]})
			j++
		}
	}
	return ops
}

// nearChange reports whether a changed line is within n ops of ops[i].
func nearChange(ops []diffOp, i, n int) bool {
	for k := max(0, i-n); k <= min(len(ops)-1, i+n); k++ {
		if ops[k].kind != ' ' {
			return true
		}
	}
	return false
}
