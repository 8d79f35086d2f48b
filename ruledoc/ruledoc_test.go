package ruledoc_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/ruledoc"
	"github.com/migrate-guard/migrate-guard/rules"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

var update = flag.Bool("update", false, "rewrite docs/rules from the rules")

// docsDir is docs/rules at the module root.
const docsDir = "../docs/rules"

// TestDocsUpToDate checks that docs/rules/<id>.md is the page of every
// registered rule, and no page is left for a rule that is gone. Run
// `go test ./ruledoc -update` after changing a rule.
func TestDocsUpToDate(t *testing.T) {
	want := map[string]string{"README.md": index()}
	for _, r := range rules.All() {
		page, err := ruledoc.Page(r)
		if err != nil {
			t.Fatalf("%s: %v", r.ID, err)
		}
		want[r.ID+".md"] = page
	}
	if *update {
		if err := os.MkdirAll(docsDir, 0o755); err != nil {
			t.Fatal(err)
		}
		old, _ := filepath.Glob(filepath.Join(docsDir, "*.md"))
		for _, p := range old {
			os.Remove(p)
		}
		for name, text := range want {
			if err := os.WriteFile(filepath.Join(docsDir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	have, _ := filepath.Glob(filepath.Join(docsDir, "*.md"))
	for _, p := range have {
		if _, ok := want[filepath.Base(p)]; !ok {
			t.Errorf("%s documents no registered rule (run go test ./ruledoc -update)", p)
		}
	}
	for name, text := range want {
		got, err := os.ReadFile(filepath.Join(docsDir, name))
		if err != nil || string(got) != text {
			t.Errorf("docs/rules/%s is out of date (run go test ./ruledoc -update)", name)
		}
	}
}

func index() string {
	var b strings.Builder
	b.WriteString("# Rules\n\n`migrate-guard rules` lists them; `migrate-guard rules <id>` prints a page.\n\n| rule | default | flags |\n| --- | --- | --- |\n")
	for _, r := range rules.All() {
		b.WriteString("| [" + r.ID + "](" + r.ID + ".md) | " + r.Severity.String() + " | " + r.Summary + " |\n")
	}
	return b.String()
}

// TestPages checks every page has every section, and that every SQL block
// in it parses with PostgreSQL's grammar (the syntax-error rule's own bad
// example excepted).
func TestPages(t *testing.T) {
	for _, r := range rules.All() {
		page, err := ruledoc.Page(r)
		if err != nil {
			t.Fatalf("%s: %v", r.ID, err)
		}
		checkSections(t, r.ID, page)
		if r.Run != nil && !strings.Contains(page, "migrate-guard reports") {
			t.Errorf("%s: the bad example draws no finding", r.ID)
		}
		for i, block := range sqlBlocks(page) {
			if r.ID == rules.SyntaxError.ID && i == 0 {
				continue
			}
			f, err := sqlfile.Parse(r.ID, []byte(block))
			if err != nil || len(f.Errors) > 0 {
				t.Errorf("%s: SQL block %d does not parse:\n%s", r.ID, i, block)
			}
		}
	}
}

// checkSections checks a page has every section, in order, and that where
// its words send the reader to the SQL "below", an SQL block does follow
// (before the suppression section, whose SQL is a comment).
func checkSections(t *testing.T, id, page string) {
	t.Helper()
	last := -1
	for _, s := range ruledoc.Sections {
		at := strings.Index(page, "\n## "+s+"\n")
		if at < 0 {
			t.Errorf("%s: page lacks section %q", id, s)
			continue
		}
		if at < last {
			t.Errorf("%s: section %q is out of order", id, s)
		}
		last = at
	}
	body, _, _ := strings.Cut(page, "\n## Suppressing it\n")
	for at := 0; ; at++ {
		n := strings.Index(body[at:], " below")
		if n < 0 {
			break
		}
		at += n
		if !strings.Contains(body[at:], "```sql\n") {
			t.Errorf("%s: %q points below, but no SQL follows it", id, body[max(0, at-60):min(len(body), at+20)])
			break
		}
	}
}

func sqlBlocks(page string) []string {
	var out []string
	for _, part := range strings.Split(page, "```sql\n")[1:] {
		out = append(out, strings.SplitN(part, "```", 2)[0])
	}
	return out
}
