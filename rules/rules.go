// Package rules holds migrate-guard's checks, one file per rule. Each file
// declares its rule as an analysis.Rule value and registers it with
// register. Code two rules share lives in files that register no rule, named
// for what they hold (alter_table.go, constraints.go, defaults.go, enums.go,
// indexes.go, locking.go, held_locks.go, type_changes.go,
// lock_timeout_fixes.go, edits.go, prisma_workflows.go, ...); layout_test.go
// enforces it. Analyses of the whole file that rules share are
// analysis.Results declared in the rules' Requires (results_test.go checks
// the declarations). SQL text (quoting, identifiers, SET lock_timeout) is
// internal/sqltext's, the grammar of messages internal/english's, walking
// trees pgast's.
package rules

import (
	"sort"

	"github.com/migrate-guard/migrate-guard/analysis"
)

var registry = map[string]*analysis.Rule{}

func register(r *analysis.Rule) *analysis.Rule {
	if registry[r.ID] != nil {
		panic("rules: duplicate rule id " + r.ID)
	}
	registry[r.ID] = r
	return r
}

// All returns every rule, sorted by id.
func All() []*analysis.Rule {
	out := make([]*analysis.Rule, 0, len(registry))
	for _, r := range registry {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// ByID returns the rule with that id, or nil.
func ByID(id string) *analysis.Rule { return registry[id] }
