package drift

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/lint"
)

// Written is what WriteMigrations wrote.
type Written struct {
	// Names are the migrations written, in order: mark each applied on
	// every database that already has the drift.
	Names []string
	Paths []string
	// Warnings are changes written in an unsafe form, or not written.
	Warnings []string
}

// WriteMigrations writes the migrations that take a database at the end of
// the history to the checked database's schema into dir, named
// <UTC timestamp>_<name>[_<step>]: the main one, one per concurrent index
// build or drop, one adding enum values, and one that validates what the
// others added NOT VALID. Each lints without errors under cfg: a statement
// that has no safe form carries a suppression saying why, and a warning; a
// file that would fail is refused.
func WriteMigrations(rep *Report, dir, name string, now time.Time, cfg *lint.Config) (*Written, error) {
	if len(rep.pending) > 0 {
		return nil, fmt.Errorf("%d migrations of %s are not applied to the database (%s first): deploy them, then write the drift's migration after them",
			len(rep.pending), dir, rep.pending[0])
	}
	p := buildPlan(rep)
	out := &Written{Warnings: p.warnings}
	files := p.files()
	if len(files) == 0 {
		return out, nil
	}
	history, err := historyTexts(dir)
	if err != nil {
		return nil, err
	}
	base := sanitize(name)
	for i, f := range files {
		mname := now.UTC().Add(time.Duration(i)*time.Second).Format("20060102150405") + "_" + base
		if f.suffix != "" {
			mname = truncName(mname + "_" + sanitize(f.suffix))
		}
		path := filepath.Join(dir, mname, "migration.sql")
		sql, warns, err := lintClean(f, history, path, cfg)
		if err != nil {
			return nil, err
		}
		out.Warnings = append(out.Warnings, warns...)
		history = append(history, lint.Text{Path: path, SQL: []byte(sql)})
		out.Names, out.Paths = append(out.Names, mname), append(out.Paths, path)
	}
	for i, path := range out.Paths {
		if _, err := os.Stat(filepath.Dir(path)); err == nil {
			return nil, fmt.Errorf("%s already exists", filepath.Dir(path))
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, history[len(history)-len(out.Paths)+i].SQL, 0o644); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// historyTexts reads the directory's migrations, the context a written one
// is linted in.
func historyTexts(dir string) ([]lint.Text, error) {
	local, err := loadLocal(dir)
	if err != nil {
		return nil, err
	}
	var out []lint.Text
	for _, m := range local {
		data, err := os.ReadFile(m.Path)
		if err != nil {
			return nil, err
		}
		out = append(out, lint.Text{Path: m.Path, SQL: data})
	}
	return out, nil
}

// suppressible are the error rules a reconciling statement may be written
// against: it is unsafe (it loses data, or fails on some rows) but does what
// the database already has. Any other error means the file would fail, and
// writing it is refused.
var suppressible = map[string]bool{
	"adding-required-column": true, "drop-column": true, "drop-table": true, "drop-type": true, "drop-add-rename": true,
}

const suppressReason = "the database already has this change (drift folded back into the history); review it before it runs on other databases"

// lintClean renders a file and lints it; every statement with an error
// finding gets a suppression naming its rules and a warning, and the result
// is linted again to be sure.
func lintClean(f file, history []lint.Text, path string, cfg *lint.Config) (string, []string, error) {
	sup := map[int][]string{}
	var warns []string
	for round := 0; round < 2; round++ {
		sql, lines := render(f, sup)
		res, err := lint.RunText(history, lint.Text{Path: path, SQL: []byte(sql)}, cfg)
		if err != nil {
			return "", nil, err
		}
		var errs []lint.Finding
		for _, fd := range res.Findings {
			if fd.Severity >= analysis.Error {
				errs = append(errs, fd)
			}
		}
		if len(errs) == 0 {
			return sql, warns, nil
		}
		if round == 1 {
			return "", nil, fmt.Errorf("%s:%d: the written migration does not lint: %s: %s", path, errs[0].Line, errs[0].Rule, errs[0].Message)
		}
		for _, fd := range errs {
			i := stepAt(lines, fd.Line)
			if i < 0 || !suppressible[fd.Rule] {
				return "", nil, fmt.Errorf("%s:%d: %s: %s", path, fd.Line, fd.Rule, fd.Message)
			}
			sup[i] = append(sup[i], fd.Rule)
			warns = append(warns, fmt.Sprintf("%s: %s: %s (%s): suppressed in the file because the database already has it; it is unsafe where it runs",
				filepath.Base(filepath.Dir(path)), firstLine(f.steps[i].sql), fd.Message, fd.Rule))
		}
	}
	return "", nil, errors.New("unreachable")
}

// render writes a file's SQL and returns the first and last line of each
// step's statement.
func render(f file, sup map[int][]string) (string, [][2]int) {
	var b strings.Builder
	// The target is not named: the file is committed, and where production
	// runs is nobody's business in the repository.
	b.WriteString("-- Written by `migrate-guard drift --write-migration`: drift found in a database\n")
	b.WriteString("-- that is not in the migration history. The database that has it must not run it:\n")
	b.WriteString("-- mark it applied there with `migrate-guard resolve --applied <this migration's name>`.\n")
	line := 4
	lines := make([][2]int, len(f.steps))
	for i, s := range f.steps {
		b.WriteString("\n")
		line++
		if s.comment != "" {
			b.WriteString(s.comment + "\n")
			line += strings.Count(s.comment, "\n") + 1
		}
		if rules := dedupe(sup[i]); len(rules) > 0 {
			fmt.Fprintf(&b, "-- migrate-guard-ignore %s -- %s\n", strings.Join(rules, ", "), suppressReason)
			line++
		}
		lines[i] = [2]int{line, line + strings.Count(s.sql, "\n")}
		b.WriteString(s.sql + "\n")
		line += strings.Count(s.sql, "\n") + 1
	}
	return b.String(), lines
}

func stepAt(lines [][2]int, line int) int {
	for i, l := range lines {
		if line >= l[0] && line <= l[1] {
			return i
		}
	}
	return -1
}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// sanitize makes a migration name of lowercase letters, digits and
// underscores, as `prisma migrate dev` does.
func sanitize(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else if b.Len() > 0 && !strings.HasSuffix(b.String(), "_") {
			b.WriteByte('_')
		}
	}
	return strings.Trim(b.String(), "_")
}

// truncName keeps a migration name within the 255 characters of
// _prisma_migrations.migration_name, and short enough to read.
func truncName(s string) string {
	if len(s) > 120 {
		return strings.TrimRight(s[:120], "_")
	}
	return s
}
