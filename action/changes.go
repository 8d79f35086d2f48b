package action

import (
	"bufio"
	"fmt"
	"os"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/lint"
	"github.com/migrate-guard/migrate-guard/migrations"
	"github.com/migrate-guard/migrate-guard/rules"
)

// changes is what a pull request does to the files of the repository,
// keyed by repository-relative path.
type changes struct {
	byPath map[string]prFile
	files  []prFile
}

func newChanges(files []prFile) *changes {
	c := &changes{byPath: map[string]prFile{}, files: files}
	for _, f := range files {
		c.byPath[f.Filename] = f
	}
	return c
}

// isNew reports a status that puts a file on the head branch which the
// base branch does not have at that path.
func isNew(status string) bool {
	return status == "added" || status == "copied" || status == "renamed"
}

// selectChanged marks for linting the migrations of s that the pull
// request adds or modifies; the others stay as context. It returns how many
// were selected.
func (c *changes) selectChanged(s *migrations.Set, repoPath func(string) string) int {
	n := 0
	for _, m := range s.Migrations {
		f, ok := c.byPath[repoPath(m.Path)]
		m.Lint = ok && f.Status != "removed" && f.Status != "unchanged"
		if m.Lint {
			n++
		}
	}
	return n
}

// baseChecks returns the findings about the history on the base branch:
// migrations the pull request edits, deletes or renames, and new ones that
// sort before the newest migration already there.
func (c *changes) baseChecks(s *migrations.Set, repoPath func(string) string, pr *pullRequest, cfg *lint.Config) []lint.Finding {
	dir := repoPath(s.Dir)
	var out []lint.Finding
	add := func(r *analysis.Rule, file string, line int, msg, help string) {
		if sev := cfg.Severity(r); sev != analysis.Off {
			out = append(out, lint.Finding{File: file, Line: line, Column: 1, EndLine: line, EndColumn: lineWidth(file, line),
				Rule: r.ID, Severity: sev, Message: msg, Help: help})
		}
	}
	for _, f := range c.files {
		switch {
		case (f.Status == "modified" || f.Status == "changed") && isMigration(s, dir, f.Filename):
			add(rules.EditedAppliedMigration, f.Filename, firstChangedLine(f.Patch),
				fmt.Sprintf("this pull request modifies migration %s, which is on the base branch %s and has probably been applied: databases that applied it never run the new text (Prisma sees a checksum mismatch; `prisma migrate deploy` skips it silently), so they and new databases end up with different schemas", migrationName(s, f.Filename), pr.baseRef),
				editHelp(f.Filename, pr))
		case f.Status == "removed" && isMigration(s, dir, f.Filename):
			add(rules.EditedAppliedMigration, f.Filename, 1,
				fmt.Sprintf("this pull request deletes migration %s, which is on the base branch %s and has probably been applied: its changes stay in those databases but are missing from every new one", migrationName(s, f.Filename), pr.baseRef),
				editHelp(f.Filename, pr))
		case f.Status == "renamed" && isMigration(s, dir, f.PreviousFilename):
			add(rules.EditedAppliedMigration, f.Filename, 1,
				fmt.Sprintf("this pull request renames migration %s, which is on the base branch %s and has probably been applied, to %s: databases that applied it run it again under the new name, which fails on the objects it already created", migrationName(s, f.PreviousFilename), pr.baseRef, migrationName(s, f.Filename)),
				editHelp(f.PreviousFilename, pr))
		}
	}
	c.outOfOrder(s, repoPath, pr, add)
	return out
}

// outOfOrder reports, through add, new migrations that sort before the newest migration
// the base branch already has. The checkout is the pull request's head, so
// the base branch's migrations are those on disk the pull request does not
// add.
func (c *changes) outOfOrder(s *migrations.Set, repoPath func(string) string, pr *pullRequest, add func(*analysis.Rule, string, int, string, string)) {
	newest := -1
	for i, m := range s.Migrations {
		if f, ok := c.byPath[repoPath(m.Path)]; !ok || !isNew(f.Status) {
			newest = i
		}
	}
	if newest < 0 {
		return
	}
	last := s.Migrations[newest].Name
	for _, m := range s.Migrations[:newest] {
		p := repoPath(m.Path)
		if f, ok := c.byPath[p]; ok && isNew(f.Status) {
			add(rules.OutOfOrderMigration, p, 1,
				fmt.Sprintf("new migration %s sorts before %s, the newest migration on the base branch %s: databases that already applied %s apply it after that one, but a new database runs it before, so their histories differ", m.Name, last, pr.baseRef, last),
				"Rename the migration so it sorts last: merge the base branch, delete this migration's folder and run `prisma migrate dev` again (it writes a new, current timestamp), or rename the folder to a current `YYYYMMDDHHMMSS_` prefix.")
		}
	}
}

// isMigration reports whether a repository path is a migration of the set
// in directory dir: <dir>/<folder>/migration.sql for Prisma, <dir>/<file>.sql
// otherwise. It holds for files no longer on disk too.
func isMigration(s *migrations.Set, dir, p string) bool {
	if p == "" {
		return false
	}
	if s.Prisma {
		return path.Base(p) == "migration.sql" && path.Dir(path.Dir(p)) == dir
	}
	return strings.EqualFold(path.Ext(p), ".sql") && path.Dir(p) == dir
}

// migrationName is the name a migration's history knows it by.
func migrationName(s *migrations.Set, p string) string {
	if s.Prisma {
		return path.Base(path.Dir(p))
	}
	return path.Base(p)
}

func editHelp(p string, pr *pullRequest) string {
	return fmt.Sprintf("Put the migration back as it is on %s (`git checkout origin/%s -- %s`) and make the change in a new migration: "+
		"change schema.prisma, run `prisma migrate dev --create-only`, edit the new migration.sql if needed, then `prisma migrate dev`. "+
		"If this migration was never applied to any shared database, allow the edit with `%s = \"off\"` under `[rules]` in migrate-guard.toml.",
		pr.baseRef, pr.baseRef, p, rules.EditedAppliedMigration.ID)
}

// firstChangedLine returns the line of the head file where a unified diff
// first adds or removes a line, or 1.
func firstChangedLine(patch string) int {
	line := 0
	sc := bufio.NewScanner(strings.NewReader(patch))
	sc.Buffer(make([]byte, 0, 64<<10), len(patch)+1)
	for sc.Scan() {
		text := sc.Text()
		switch {
		case strings.HasPrefix(text, "@@"):
			line = hunkStart(text)
		case line == 0:
		case strings.HasPrefix(text, "+"), strings.HasPrefix(text, "-"):
			return line
		case strings.HasPrefix(text, " "):
			line++
		}
	}
	return 1
}

// hunkStart reads the new file's first line from "@@ -a,b +c,d @@".
func hunkStart(header string) int {
	for _, field := range strings.Fields(header) {
		if rest, ok := strings.CutPrefix(field, "+"); ok {
			start, _, _ := strings.Cut(rest, ",")
			if n, err := strconv.Atoi(start); err == nil {
				return max(n, 1)
			}
		}
	}
	return 0
}

// lineWidth returns how many characters line n of a file has, at least 1,
// so that an annotation covers the line; 1 for a file no longer on disk.
func lineWidth(file string, n int) int {
	data, err := os.ReadFile(file)
	if err != nil {
		return 1
	}
	lines := strings.Split(string(data), "\n")
	if n < 1 || n > len(lines) {
		return 1
	}
	return max(1, utf8.RuneCountInString(strings.TrimRight(lines[n-1], "\r")))
}
