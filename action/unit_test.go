package action

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	gha "github.com/sethvargo/go-githubactions"

	"github.com/migrate-guard/migrate-guard/analysis"
)

func fakeAction(env map[string]string) (*gha.Action, *bytes.Buffer) {
	var out bytes.Buffer
	return gha.New(gha.WithWriter(&out), gha.WithGetenv(func(k string) string { return env[k] })), &out
}

// TestSetOutputInjection: a value holding the delimiter could close the
// heredoc and set outputs of its own; it is refused, and the file keeps
// exactly the outputs that were meant.
func TestSetOutputInjection(t *testing.T) {
	path := filepath.Join(t.TempDir(), "output")
	a, _ := fakeAction(map[string]string{"GITHUB_OUTPUT": path})
	if err := setOutput(a, "findings", "3"); err != nil {
		t.Fatal(err)
	}
	evil := "x\n" + outputDelimiter + "\nerrors<<" + outputDelimiter + "\n0"
	if err := setOutput(a, "report-json", evil); err == nil {
		t.Error("a value holding the delimiter was written")
	}
	if err := setOutput(a, "bad\nname", "1"); err == nil {
		t.Error("a name holding a line break was written")
	}
	if err := setOutput(a, "multi", "line one\nline two"); err != nil {
		t.Errorf("a plain multi-line value was refused: %v", err)
	}
	data, _ := os.ReadFile(path)
	want := "findings<<" + outputDelimiter + "\n3\n" + outputDelimiter + "\nmulti<<" + outputDelimiter + "\nline one\nline two\n" + outputDelimiter + "\n"
	if string(data) != want {
		t.Errorf("GITHUB_OUTPUT:\n%q\nwant\n%q", data, want)
	}
}

// TestSetOutputLocal: without GITHUB_OUTPUT (a local run) nothing is
// written and nothing panics.
func TestSetOutputLocal(t *testing.T) {
	a, out := fakeAction(map[string]string{})
	if err := setOutput(a, "findings", "1"); err != nil || out.Len() != 0 {
		t.Errorf("err %v, output %q", err, out.String())
	}
	if err := addSummary(a, "# x"); err != nil {
		t.Error(err)
	}
	a, _ = fakeAction(map[string]string{"GITHUB_OUTPUT": filepath.Join(t.TempDir(), "no", "such", "dir")})
	if err := setOutput(a, "findings", "1"); err == nil {
		t.Error("an unwritable GITHUB_OUTPUT gave no error")
	}
}

func TestNextLink(t *testing.T) {
	cases := map[string]string{
		`<https://api.github.com/repositories/1/pulls/7/files?page=2>; rel="next", <https://api.github.com/repositories/1/pulls/7/files?page=5>; rel="last"`: "https://api.github.com/repositories/1/pulls/7/files?page=2",
		`<https://x/a?page=1>; rel="prev", <https://x/a?page=3>; rel="next"`:                                                                                 "https://x/a?page=3",
		`<https://x/a?page=1>; rel="first", <https://x/a?page=1>; rel="prev"`:                                                                                "",
		``: "",
	}
	for header, want := range cases {
		if got := nextLink(header); got != want {
			t.Errorf("nextLink(%q) = %q, want %q", header, got, want)
		}
	}
}

func TestFirstChangedLine(t *testing.T) {
	cases := []struct {
		patch string
		want  int
	}{
		{"@@ -2,6 +2,7 @@\n a\n b\n c\n+d\n e", 5},
		{"@@ -10,3 +10,2 @@ CREATE TABLE\n x\n-y\n z", 11},
		{"@@ -1 +1 @@\n-old\n+new", 1},
		{"@@ -1,3 +1,3 @@\n a\n b\n c\n@@ -40,3 +40,4 @@\n p\n+q", 41},
		{"", 1}, // GitHub omits the patch of large diffs
	}
	for _, c := range cases {
		if got := firstChangedLine(c.patch); got != c.want {
			t.Errorf("firstChangedLine(%q) = %d, want %d", c.patch, got, c.want)
		}
	}
}

// TestMarker: a directory cannot end the hidden comment early, and two
// directories never share a marker.
func TestMarker(t *testing.T) {
	if got := marker("prisma/migrations"); got != "<!-- migrate-guard:prisma/migrations -->" {
		t.Errorf("marker = %s", got)
	}
	odd := marker("db--x-->y")
	if strings.Count(odd, "-->") != 1 || !strings.HasSuffix(odd, " -->") {
		t.Errorf("marker %q ends early", odd)
	}
	if marker("a-b") == marker("a%2Db") {
		t.Error("two directories share a marker")
	}
}

// TestAnnotateLimits: at most 10 of each level, errors first, and a closing
// notice counting the rest that takes the last notice slot.
func TestAnnotateLimits(t *testing.T) {
	cases := []struct {
		errors, warnings, notices int
		shown                     [3]int // errors, warnings, notices before the closing one
		more                      int
	}{
		{3, 4, 5, [3]int{3, 4, 5}, 0},
		{10, 10, 10, [3]int{10, 10, 10}, 0},
		{12, 3, 0, [3]int{10, 3, 0}, 2},
		{0, 0, 11, [3]int{0, 0, 9}, 2},
		{2, 15, 12, [3]int{2, 10, 9}, 8},
	}
	for _, c := range cases {
		var anns []annotation
		for i := 0; i < c.notices; i++ {
			anns = append(anns, annotation{sev: analysis.Notice, file: "a.sql", line: i + 1, title: "n", msg: "notice"})
		}
		for i := 0; i < c.warnings; i++ {
			anns = append(anns, annotation{sev: analysis.Warning, file: "a.sql", line: i + 1, title: "w", msg: "50% done"})
		}
		for i := 0; i < c.errors; i++ {
			anns = append(anns, annotation{sev: analysis.Error, file: "a.sql", line: i + 1, title: "e", msg: "error"})
		}
		a, out := fakeAction(nil)
		annotate(a, anns)
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		got := [3]int{}
		for _, l := range lines {
			for i, p := range []string{"::error ", "::warning ", "::notice "} {
				if strings.HasPrefix(l, p) {
					got[i]++
				}
			}
		}
		if got != c.shown {
			t.Errorf("%v: shown %v, want %v\n%s", c, got, c.shown, out)
		}
		closing := strings.HasPrefix(lines[len(lines)-1], "::notice::migrate-guard: ")
		if closing != (c.more > 0) || (closing && !strings.Contains(lines[len(lines)-1], " "+strconv.Itoa(c.more)+" more ")) {
			t.Errorf("%v: last line %q, want a notice of %d more", c, lines[len(lines)-1], c.more)
		}
		if c.errors > 0 && !strings.HasPrefix(lines[0], "::error ") {
			t.Errorf("%v: errors are not first", c)
		}
		if c.warnings > 0 && !strings.Contains(out.String(), "::50%25 done") {
			t.Errorf("a %% in a message is not escaped:\n%s", out)
		}
	}
}
