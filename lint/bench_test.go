package lint

import (
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/execution"
	"github.com/migrate-guard/migrate-guard/migrations"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// prismaCorpora are the shared corpus's Prisma histories, the benchmarks'
// input (bench/README.md has the figures).
var prismaCorpora = []string{"triggerdotdev__trigger.dev", "langfuse__langfuse", "hoppscotch__hoppscotch", "umami-software__umami"}

// benchSets discovers the Prisma corpora.
func benchSets(b *testing.B) []*migrations.Set { return corpusSets(b, prismaCorpora...) }

// corpusSets discovers histories of the shared corpus, ../shared/corpus from
// the module root, skipping the test when the corpus is absent.
func corpusSets(tb testing.TB, names ...string) []*migrations.Set {
	tb.Helper()
	root, err := filepath.Abs(filepath.Join("..", "..", "shared", "corpus"))
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := os.Stat(root); err != nil {
		tb.Skipf("!!! SKIPPING: the corpus %s is absent (%v) !!!", root, err)
	}
	var paths []string
	for _, name := range names {
		paths = append(paths, filepath.Join(root, name))
	}
	sets, err := migrations.Discover(paths)
	if err != nil {
		tb.Fatal(err)
	}
	return sets
}

// reportCPU starts measuring the process's CPU time; the function it returns
// reports it per iteration as cpu-ns/op. On a shared machine the wall time
// (ns/op) also counts the turns of other processes, the CPU time does not;
// it also counts every core the work runs on (parsing ahead, the GC).
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() { b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op") }
}

// benchSources reads every file of the sets once, outside the timed loop.
func benchSources(b *testing.B, sets []*migrations.Set) (paths []string, data [][]byte, size int64) {
	b.Helper()
	for _, s := range sets {
		for _, m := range s.Migrations {
			d, err := os.ReadFile(m.Path)
			if err != nil {
				b.Fatal(err)
			}
			paths, data, size = append(paths, m.Path), append(data, d), size+int64(len(d))
		}
	}
	return paths, data, size
}

// benchParsed parses every file of the sets, grouped by set.
func benchParsed(b *testing.B, sets []*migrations.Set) [][]*sqlfile.File {
	b.Helper()
	out := make([][]*sqlfile.File, len(sets))
	for i, s := range sets {
		for _, m := range s.Migrations {
			f, err := readFile(m.Path, false)
			if err != nil {
				b.Fatal(err)
			}
			out[i] = append(out[i], f)
		}
	}
	return out
}

// BenchmarkParse times PostgreSQL's parser and scanner over every file, one
// goroutine: the cost that lint spreads over the cores.
func BenchmarkParse(b *testing.B) {
	paths, data, size := benchSources(b, benchSets(b))
	b.SetBytes(size)
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		for i := range data {
			if _, err := sqlfile.Parse(paths[i], data[i]); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkReplay times replaying the parsed histories into catalogs.
func BenchmarkReplay(b *testing.B) {
	parsed := benchParsed(b, benchSets(b))
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		for _, files := range parsed {
			cat := catalog.New()
			for i, f := range files {
				cat.BeginFile(i + 1)
				if err := replay(cat, f); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
}

// BenchmarkRules times every default rule over every statement, with each
// file's schema replayed beforehand (the timed work includes replaying the
// linted file itself, as the engine does).
func BenchmarkRules(b *testing.B) {
	parsed := benchParsed(b, benchSets(b))
	var files []*sqlfile.File
	var before []*catalog.Catalog
	for _, fs := range parsed {
		cat := catalog.New()
		for i, f := range fs {
			cat.BeginFile(i + 1)
			files, before = append(files, f), append(before, cat.Clone())
			if err := replay(cat, f); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		e := newEngine(DefaultConfig())
		for i, f := range files {
			if err := e.lintFile(f, before[i].Clone(), execution.Runner{}); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := e.finish(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLintAll times lint-everything mode end to end: read, parse,
// replay and every rule on every file.
func BenchmarkLintAll(b *testing.B) {
	sets := benchSets(b)
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		if _, err := Run(sets, DefaultConfig()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLintNewest times pull-request mode: each history replayed, its
// newest migration linted.
func BenchmarkLintNewest(b *testing.B) {
	sets := benchSets(b)
	for _, s := range sets {
		for i, m := range s.Migrations {
			m.Lint = i == len(s.Migrations)-1
		}
	}
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		if _, err := Run(sets, DefaultConfig()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLintRegression times lint-everything mode on PostgreSQL's
// regression SQL (pganalyze__libpg_query) taken as one history, files that
// are not UTF-8 left out: large files of every kind of statement.
func BenchmarkLintRegression(b *testing.B) {
	sets := corpusSets(b, "pganalyze__libpg_query")
	var kept []*migrations.Migration
	for _, m := range sets[0].Migrations {
		if data, err := os.ReadFile(m.Path); err == nil && utf8.Valid(data) {
			kept = append(kept, m)
		}
	}
	sets[0].Migrations = kept
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		if _, err := Run(sets, DefaultConfig()); err != nil {
			b.Fatal(err)
		}
	}
}

// corpusDirs returns the Prisma corpora's directories and every migration
// file in them, as a user would name them on the command line.
func corpusDirs(b *testing.B) (dirs, files []string) {
	b.Helper()
	for _, s := range benchSets(b) {
		dirs = append(dirs, s.Dir)
		for _, m := range s.Migrations {
			files = append(files, m.Path)
		}
	}
	return dirs, files
}

// BenchmarkLintNamedDirs times lint-everything mode as the command line
// runs it, discovery included, with the four corpora named as directories.
func BenchmarkLintNamedDirs(b *testing.B) {
	dirs, _ := corpusDirs(b)
	benchDiscoverAndRun(b, dirs)
}

// BenchmarkLintNamedFiles is BenchmarkLintNamedDirs with the same 1,294
// migrations named one by one: it should cost the same.
func BenchmarkLintNamedFiles(b *testing.B) {
	_, files := corpusDirs(b)
	benchDiscoverAndRun(b, files)
}

func benchDiscoverAndRun(b *testing.B, paths []string) {
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		sets, err := migrations.Discover(paths)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Run(sets, DefaultConfig()); err != nil {
			b.Fatal(err)
		}
	}
}
