package execution

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// TestSplitterMatchesSqlparser compares the model of Prisma's splitter with
// what sqlparser-rs 0.62 itself said about every migration file of the
// shared corpora (testdata/sqlparser-oracle.json, written by
// scripts/sqlparser-oracle.mjs): a file falls back to one query exactly
// when sqlparser rejects it.
func TestSplitterMatchesSqlparser(t *testing.T) {
	corpus := filepath.Join("..", "..", "shared", "corpus")
	if _, err := os.Stat(corpus); err != nil {
		t.Skipf("!!! SKIPPING the splitter check on real migrations: the corpus %s is absent (%v). Nothing was checked. !!!", corpus, err)
	}
	data, err := os.ReadFile(filepath.Join("testdata", "sqlparser-oracle.json"))
	if err != nil {
		t.Fatal(err)
	}
	var oracle struct {
		Files    int               `json:"files"`
		Failures map[string]string `json:"failures"`
	}
	if err := json.Unmarshal(data, &oracle); err != nil {
		t.Fatal(err)
	}
	dirs := []string{"triggerdotdev__trigger.dev", "langfuse__langfuse", "hoppscotch__hoppscotch", "umami-software__umami", "kestra-io__kestra"}
	files, rejected := 0, 0
	for _, d := range dirs {
		err := filepath.WalkDir(filepath.Join(corpus, d), func(p string, e os.DirEntry, err error) error {
			if err != nil || e.IsDir() || !strings.HasSuffix(p, ".sql") {
				return err
			}
			files++
			rel, _ := filepath.Rel(corpus, p)
			src, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			f, err := sqlfile.Parse(rel, src)
			if err != nil {
				return err
			}
			fb := fallback(f)
			want, fails := oracle.Failures[filepath.ToSlash(rel)]
			if fails {
				rejected++
			}
			switch {
			case fb != nil && !fails:
				t.Errorf("%s: the model says Prisma's splitter rejects the %s, sqlparser 0.62 parses the file", rel, fb.What)
			case fb == nil && fails:
				t.Errorf("%s: sqlparser 0.62 rejects it (%s), the model splits it", rel, want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if files != oracle.Files {
		t.Errorf("checked %d files, the oracle read %d: regenerate testdata/sqlparser-oracle.json", files, oracle.Files)
	}
	if rejected == 0 {
		t.Error("no file falls back: the check proves nothing")
	}
	keys := make([]string, 0, len(oracle.Failures))
	for k := range oracle.Failures {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	t.Logf("%d files, %d rejected by sqlparser 0.62 (first: %s)", files, rejected, keys[0])
}
