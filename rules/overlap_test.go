package rules_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/lint"
	"github.com/migrate-guard/migrate-guard/migrations"
)

// prismaCorpora are the real Prisma histories of the shared corpus.
var prismaCorpora = []string{"triggerdotdev__trigger.dev", "langfuse__langfuse", "hoppscotch__hoppscotch", "umami-software__umami"}

// sharedOverlaps are pairs of rules (sorted ids joined by " + ") allowed to
// report at the same place, because their findings are different dangers.
var sharedOverlaps = map[string]string{
	// Data loss and old code failing on the table vs. the dependent objects
	// CASCADE drops without naming them: different damage, different fixes
	// (ship the code first vs. drop the dependents explicitly).
	"drop-cascade + drop-table":  "different dangers",
	"drop-cascade + drop-column": "different dangers",
	// many-access-exclusive speaks for the transaction, at the statement that
	// takes its third ACCESS EXCLUSIVE lock: that statement has its own danger.
	"drop-table + many-access-exclusive":                    "transaction-level finding",
	"drop-cascade + many-access-exclusive":                  "transaction-level finding",
	"many-access-exclusive + require-concurrent-drop-index": "transaction-level finding",
}

// TestNoDoubleReports lints every migration of the Prisma corpora with the
// default configuration and fails when findings of two rules start at the
// same place, unless sharedOverlaps explains why both are right.
func TestNoDoubleReports(t *testing.T) {
	corpus := filepath.Join("..", "..", "shared", "corpus")
	if _, err := os.Stat(corpus); err != nil {
		t.Skipf("!!! SKIPPING the double-report check: the corpus %s is absent (%v). Nothing was checked. !!!", corpus, err)
	}
	for _, name := range prismaCorpora {
		t.Run(name, func(t *testing.T) {
			sets, err := migrations.Discover([]string{filepath.Join(corpus, name)})
			if err != nil {
				t.Fatal(err)
			}
			res, err := lint.Run(sets, lint.DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range doubleReports(res.Findings) {
				t.Error(d)
			}
		})
	}
}

// doubleReports describes each place where rules that sharedOverlaps does
// not pair report together.
func doubleReports(fs []lint.Finding) []string {
	at := map[string][]lint.Finding{}
	var places []string
	for _, f := range fs {
		k := fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Column)
		if at[k] == nil {
			places = append(places, k)
		}
		at[k] = append(at[k], f)
	}
	sort.Strings(places)
	var out []string
	for _, k := range places {
		here := at[k]
		for i, a := range here {
			for _, b := range here[i+1:] {
				pair := []string{a.Rule, b.Rule}
				sort.Strings(pair)
				if a.Rule == b.Rule || sharedOverlaps[strings.Join(pair, " + ")] != "" {
					continue
				}
				out = append(out, fmt.Sprintf("%s: %s and %s both report here:\n  %s: %s\n  %s: %s",
					k, pair[0], pair[1], a.Rule, a.Message, b.Rule, b.Message))
			}
		}
	}
	return out
}
