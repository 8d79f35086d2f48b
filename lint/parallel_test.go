package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/execution"
	"github.com/migrate-guard/migrate-guard/migrations"
)

// runSequential is the engine without its parallel parsing and checking:
// every file read and fully parsed in turn, then replayed or linted, one
// file's rules at a time.
func runSequential(t *testing.T, sets []*migrations.Set, cfg *Config) *Result {
	t.Helper()
	e := newEngine(cfg)
	e.checks = &checks{slots: make(chan struct{}, 1)}
	for _, s := range sets {
		if s.Prisma && s.Lock.Problem != "" {
			t.Fatalf("%s: the corpus has a lock problem; this reference does not report it", s.Dir)
		}
		cat := catalog.New()
		cat.SetPending(pending(s))
		for i, m := range s.Migrations {
			f, err := readFile(m.Path, false)
			if err != nil {
				t.Fatal(err)
			}
			cat.BeginFile(i + 1)
			if !m.Lint {
				if err := replay(cat, f); err != nil {
					t.Fatal(err)
				}
				continue
			}
			e.res.Files++
			if err := e.lintFile(f, cat, execution.Runner{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	res, err := e.finish()
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestParallelSameAsSequential lints real histories with Run, which parses
// files on every core (and context files without the scanner), and checks
// that the findings are exactly those of linting one fully parsed file after
// the other, in the same order, whatever the number of cores. The modes
// cover lint-everything, pull-request (history replayed, newest linted) and
// context files interleaved with linted ones.
func TestParallelSameAsSequential(t *testing.T) {
	modes := map[string]func(i, n int) bool{
		"all":         func(i, n int) bool { return true },
		"newest":      func(i, n int) bool { return i == n-1 },
		"alternating": func(i, n int) bool { return i%2 == 1 },
	}
	names := append([]string{"hatchet-dev__hatchet"}, prismaCorpora...)
	for mode, lint := range modes {
		t.Run(mode, func(t *testing.T) {
			sets := corpusSets(t, names...)
			for _, s := range sets {
				for i, m := range s.Migrations {
					m.Lint = lint(i, len(s.Migrations))
				}
			}
			cfg := DefaultConfig()
			want := runSequential(t, sets, cfg)
			if len(want.Findings) == 0 {
				t.Fatal("the corpus drew no findings: nothing is compared")
			}
			for _, procs := range []int{1, 2, 8} {
				prev := runtime.GOMAXPROCS(procs)
				got, err := Run(sets, cfg)
				runtime.GOMAXPROCS(prev)
				if err != nil {
					t.Fatal(err)
				}
				if got.Files != want.Files || len(got.Sources) != len(want.Sources) {
					t.Errorf("GOMAXPROCS=%d: %d files, %d sources; sequential: %d, %d", procs, got.Files, len(got.Sources), want.Files, len(want.Sources))
				}
				if !reflect.DeepEqual(got.Findings, want.Findings) {
					t.Errorf("GOMAXPROCS=%d: %d findings differ from the sequential run's %d; first difference: %s", procs, len(got.Findings), len(want.Findings), firstDiff(got.Findings, want.Findings))
				}
			}
		})
	}
}

func firstDiff(got, want []Finding) string {
	for i := range min(len(got), len(want)) {
		if !reflect.DeepEqual(got[i], want[i]) {
			return "got " + got[i].File + " " + got[i].Rule + ": " + got[i].Message + "\nwant " + want[i].File + " " + want[i].Rule + ": " + want[i].Message
		}
	}
	return "one list is a prefix of the other"
}

// TestParallelUnreadableFiles checks that unreadable files, parsed in any
// order, are reported as linting in order would (a finding on a linted file,
// nothing for a context file) and that the parsing goroutines then end.
func TestParallelUnreadableFiles(t *testing.T) {
	dir := t.TempDir()
	var ms []*migrations.Migration
	for i := range 40 {
		sql := "-- CreateTable\nCREATE TABLE \"T" + strconv.Itoa(i) + "\" (\"id\" TEXT NOT NULL);\n"
		if i == 7 || i == 30 {
			sql = "SELECT '\xff';\n" // not UTF-8
		}
		p := filepath.Join(dir, fmt.Sprintf("%03d.sql", i))
		if err := os.WriteFile(p, []byte(sql), 0o644); err != nil {
			t.Fatal(err)
		}
		ms = append(ms, &migrations.Migration{Name: filepath.Base(p), Path: p, Lint: i%2 == 0})
	}
	before := runtime.NumGoroutine()
	for range 20 {
		res, err := Run([]*migrations.Set{{Dir: dir, Migrations: ms}}, DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		var unreadable []string
		for _, f := range res.Findings {
			if f.Rule == "unreadable-file" {
				unreadable = append(unreadable, filepath.Base(f.File))
			}
		}
		if strings.Join(unreadable, " ") != "030.sql" || res.Files != 20 {
			t.Fatalf("%d files, unreadable-file on %v, want 20 files and 030.sql only", res.Files, unreadable)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines left running after the runs, %d before", n, before)
	}
}
