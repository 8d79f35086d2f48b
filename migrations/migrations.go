// Package migrations finds migration files on disk: Prisma migrations
// directories (`<name>/migration.sql` folders beside migration_lock.toml),
// monorepos holding several of them, and plain directories of .sql files.
package migrations

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// LockFile is the file Prisma keeps beside its migrations.
const LockFile = "migration_lock.toml"

// Set is one ordered migration history.
type Set struct {
	Dir        string // the directory, as the user should see it
	Prisma     bool
	Migrations []*Migration
	// Lock describes migration_lock.toml for a Prisma directory.
	Lock Lock
}

// Lock is what migration_lock.toml says, or why it is a problem.
type Lock struct {
	Path    string // where it is or should be
	Problem string // "" when it is present and names postgresql
	Line    int    // the provider line, when the problem is on it
}

// Migration is one migration of a set, in history order.
type Migration struct {
	Name string // the Prisma folder name, or the file name
	Path string // the SQL file, as the user should see it
	Lint bool   // named by the user; the others are replayed as context only
}

// Error is a problem with the input that stops the run.
type Error struct {
	Path string
	Msg  string
	// Err is the cause when the file system reported it (Msg then says it
	// without the path), so errors.Is(err, fs.ErrNotExist) and errors.As
	// with *fs.PathError see through; nil for problems migrate-guard finds.
	Err error
}

func (e *Error) Error() string { return e.Path + ": " + e.Msg }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// fsError is the Error for a file system failure on path.
func fsError(path string, err error) *Error { return &Error{Path: path, Msg: describe(err), Err: err} }

// Discover resolves the paths a user gave into migration sets. A directory is
// linted whole; a file is linted with the earlier migrations of its
// directory as context.
func Discover(paths []string) ([]*Set, error) {
	d := discoverer{byDir: map[string]*Set{}, byPath: map[*Set]map[string]*Migration{}}
	for _, p := range paths {
		if err := d.add(p); err != nil {
			return nil, err
		}
	}
	return d.sets, nil
}

type discoverer struct {
	sets  []*Set
	byDir map[string]*Set
	// byPath finds a named file among its set's migrations: a pull request
	// names a few, but a user may name a thousand.
	byPath map[*Set]map[string]*Migration
}

func (d *discoverer) add(p string) error {
	info, err := os.Stat(p)
	if err != nil {
		return fsError(p, err)
	}
	if !info.IsDir() {
		return d.addFile(p)
	}
	set, err := d.set(p)
	if err != nil || set != nil {
		if set != nil {
			for _, m := range set.Migrations {
				m.Lint = true
			}
		}
		return err
	}
	return d.addNested(p)
}

// set returns the set for a directory that directly holds migrations, or nil.
func (d *discoverer) set(dir string) (*Set, error) {
	key := filepath.Clean(dir)
	if s := d.byDir[key]; s != nil {
		return s, nil
	}
	s, err := load(dir)
	if s != nil {
		d.byDir[key] = s
		d.sets = append(d.sets, s)
	}
	return s, err
}

func (d *discoverer) addFile(p string) error {
	dir := filepath.Dir(p)
	if filepath.Base(p) == "migration.sql" && isPrismaDir(filepath.Dir(dir)) {
		s, err := d.set(filepath.Dir(dir))
		return d.selectFile(s, p, err)
	}
	if !strings.EqualFold(filepath.Ext(p), ".sql") {
		return &Error{Path: p, Msg: "not a .sql file or a migrations directory"}
	}
	s, err := d.set(dir)
	if err == nil && s == nil { // the directory's only .sql files are Flyway undo files or links
		return &Error{Path: p, Msg: "not found among the migrations of " + dir}
	}
	return d.selectFile(s, p, err)
}

func (d *discoverer) selectFile(s *Set, p string, err error) error {
	if err != nil {
		return err
	}
	paths := d.byPath[s]
	if paths == nil {
		paths = make(map[string]*Migration, len(s.Migrations))
		for _, m := range s.Migrations {
			paths[filepath.Clean(m.Path)] = m
		}
		d.byPath[s] = paths
	}
	if m := paths[filepath.Clean(p)]; m != nil {
		m.Lint = true
		return nil
	}
	return &Error{Path: p, Msg: "not found among the migrations of " + s.Dir}
}

// addNested finds migrations directories below root (monorepo layouts such as
// packages/*/prisma/migrations). Symbolic links are not followed, so a link
// loop cannot trap the walk.
func (d *discoverer) addNested(root string) error {
	found := 0
	// WalkDir does not enter a root that is itself a symbolic link; with a
	// trailing separator the link resolves, as the user meant it to.
	start := root
	if !strings.HasSuffix(start, string(filepath.Separator)) {
		start += string(filepath.Separator)
	}
	err := filepath.WalkDir(start, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if p != start { // an unreadable directory (a database volume, say) holds no migrations of ours
				return filepath.SkipDir
			}
			return fsError(root, err)
		}
		if !e.IsDir() || p == start {
			return nil
		}
		if name := e.Name(); name == "node_modules" || strings.HasPrefix(name, ".") {
			return filepath.SkipDir
		}
		if !isPrismaDir(p) {
			return nil
		}
		s, err := d.set(p)
		if err != nil {
			return err
		}
		for _, m := range s.Migrations {
			m.Lint = true
		}
		found++
		return filepath.SkipDir
	})
	if err != nil {
		return err
	}
	if found == 0 {
		return &Error{Path: root, Msg: "no migrations here: expected Prisma migration folders (<name>/migration.sql), .sql files, or directories holding them"}
	}
	return nil
}

// isPrismaDir reports whether dir looks like a Prisma migrations directory.
func isPrismaDir(dir string) bool {
	if _, err := os.Stat(filepath.Join(dir, LockFile)); err == nil {
		return true
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.IsDir() {
			if _, err := os.Stat(filepath.Join(dir, e.Name(), "migration.sql")); err == nil {
				return true
			}
		}
	}
	return false
}

// load reads a directory that directly holds migrations; it returns nil, nil
// when the directory holds none.
func load(dir string) (*Set, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fsError(dir, err)
	}
	if isPrismaDir(dir) {
		return loadPrisma(dir, entries)
	}
	s := &Set{Dir: dir}
	for _, e := range entries {
		if e.Type().IsRegular() && strings.EqualFold(filepath.Ext(e.Name()), ".sql") && !flywayUndo(e.Name()) {
			s.Migrations = append(s.Migrations, &Migration{Name: e.Name(), Path: filepath.Join(dir, e.Name())})
		}
	}
	if len(s.Migrations) == 0 {
		return nil, nil
	}
	sort.SliceStable(s.Migrations, func(i, j int) bool {
		a, b := s.Migrations[i].Name, s.Migrations[j].Name
		if ra, rb := strings.HasPrefix(a, "R__"), strings.HasPrefix(b, "R__"); ra != rb {
			return rb // Flyway runs repeatable migrations after the versioned ones
		}
		return versionLess(a, b)
	})
	return s, nil
}

// loadPrisma reads a Prisma directory: every subdirectory is a migration and
// must hold migration.sql, as `prisma migrate deploy` requires; files and
// symbolic links beside them are ignored, as Prisma ignores them.
func loadPrisma(dir string, entries []os.DirEntry) (*Set, error) {
	s := &Set{Dir: dir, Prisma: true, Lock: readLock(filepath.Join(dir, LockFile))}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		p := filepath.Join(dir, e.Name(), "migration.sql")
		info, err := os.Stat(p)
		if err != nil {
			return nil, &Error{Path: filepath.Join(dir, e.Name()), Msg: "migration folder without migration.sql; Prisma cannot apply it (add the file or delete the folder)"}
		}
		if !info.Mode().IsRegular() {
			return nil, &Error{Path: p, Msg: "not a regular file"}
		}
		s.Migrations = append(s.Migrations, &Migration{Name: e.Name(), Path: p})
	}
	sortByName(s.Migrations)
	return s, nil
}

// sortByName orders by name in byte order, as Prisma's migration engine
// does; it agrees with Prisma's CLI for the usual timestamp names.
func sortByName(ms []*Migration) {
	sort.Slice(ms, func(i, j int) bool { return ms[i].Name < ms[j].Name })
}

// versionLess orders plain SQL migrations as their tools do: runs of digits
// compare as numbers, so Flyway's V1_2__x.sql comes before V1_10__y.sql and
// goose's 9_x.sql before 10_y.sql; same-length timestamps keep byte order.
func versionLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := digits(a), digits(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if len(na) != len(nb) {
				return len(na) < len(nb)
			}
			if na != nb {
				return na < nb
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

// flywayUndo reports a Flyway undo migration (U<version>__name.sql): like a
// goose Down section, it runs only to roll back, so it is not history.
func flywayUndo(name string) bool {
	return len(name) > 1 && name[0] == 'U' && digits(name[1:]) > 0 && strings.Contains(name, "__")
}

// digits returns the length of the run of ASCII digits at the start of s.
func digits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

func readLock(path string) Lock {
	l := Lock{Path: path}
	var v struct {
		Provider string `toml:"provider"`
	}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		l.Problem = LockFile + " is missing; Prisma writes it with provider = \"postgresql\" and expects it beside the migrations"
	case err != nil:
		l.Problem = describe(err)
	default:
		if _, err := toml.Decode(string(data), &v); err != nil {
			l.Problem = "not valid TOML: " + err.Error()
		} else if v.Provider != "postgresql" {
			l.Problem = fmt.Sprintf("provider is %q, not \"postgresql\": these migrations were generated for another database", v.Provider)
			l.Line = providerLine(string(data))
		}
	}
	return l
}

// providerLine finds the line of the provider key, for pointing at it.
func providerLine(s string) int {
	for i, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "provider") {
			return i + 1
		}
	}
	return 0
}

// describe turns an OS error into a short message without the path, which
// the caller already names.
func describe(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	if errors.Is(err, fs.ErrNotExist) {
		return "no such file or directory"
	}
	return err.Error()
}
