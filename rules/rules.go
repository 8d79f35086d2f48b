// Package rules holds migrate-guard's checks, one file per rule. Each file
// declares its rule as an analysis.Rule value and registers it in init.
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

// prismaEdit is the Prisma workflow every fix shares: generate the migration
// without applying it, edit it, then apply.
const prismaEdit = "With Prisma: create the migration with `prisma migrate dev --create-only`, " +
	"replace the generated statement in migration.sql with the SQL below, then apply it with `prisma migrate dev`."
