package drift

import (
	"sort"

	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// The changes a difference can be.
const (
	Extra   = "extra"   // in the database, not in the history
	Missing = "missing" // in the history, not in the database
	Differs = "differs" // in both, defined differently
)

// Difference is one object where the database and its history disagree.
type Difference struct {
	Kind     string `json:"kind"`
	Object   string `json:"object"`
	Change   string `json:"change"`
	Database string `json:"database"` // its definition in the database; "" when missing
	History  string `json:"history"`  // its definition in the history; "" when extra

	db, hist *Object
	newTable bool // an object of a table the reconciling migration creates
}

// Compare lists the differences between a database's schema and the one its
// history builds, sorted by kind and object. Objects of a table that is
// itself extra or missing are not listed: the table's line says it all.
func Compare(db, history *Schema) []Difference {
	var out []Difference
	for k, o := range db.Objects {
		h := history.Objects[k]
		switch {
		case h == nil:
			out = append(out, Difference{Kind: o.Kind, Object: o.ID(), Change: Extra, Database: o.Def, db: o})
		case h.Def != o.Def:
			out = append(out, Difference{Kind: o.Kind, Object: o.ID(), Change: Differs, Database: o.Def, History: h.Def, db: o, hist: h})
		}
	}
	for k, h := range history.Objects {
		if db.Objects[k] == nil {
			out = append(out, Difference{Kind: h.Kind, Object: h.ID(), Change: Missing, History: h.Def, hist: h})
		}
	}
	gone := map[string]bool{} // schema.table of tables and materialized views extra or missing
	for _, d := range out {
		if d.Change != Differs && (d.Kind == KindTable || d.Kind == KindMatView) {
			gone[d.object().Schema+"."+d.object().Name] = true
		}
	}
	kept := out[:0]
	for _, d := range out {
		if !ofGone(d, gone) {
			kept = append(kept, d)
		}
	}
	sort.Slice(kept, func(i, j int) bool {
		if kept[i].Kind != kept[j].Kind {
			return kindOrder(kept[i].Kind) < kindOrder(kept[j].Kind)
		}
		return kept[i].Object < kept[j].Object
	})
	return kept
}

// object is the side of a difference that exists (the database's when both
// do).
func (d *Difference) object() *Object {
	if d.db != nil {
		return d.db
	}
	return d.hist
}

// ofGone reports an object that belongs to a table listed as extra or
// missing, on either side.
func ofGone(d Difference, gone map[string]bool) bool {
	for _, o := range []*Object{d.db, d.hist} {
		if o != nil && o.Table != "" && o.Kind != KindTable && o.Kind != KindMatView && gone[o.Schema+"."+o.Table] {
			return true
		}
	}
	return false
}

var kinds = []string{KindExtension, KindEnum, KindDomain, KindSequence, KindTable, KindColumn, KindConstr, KindIndex,
	KindView, KindMatView, KindFunction, KindProcedure, KindTrigger, KindRLS, KindPolicy, KindComment}

func kindOrder(k string) int {
	for i, x := range kinds {
		if x == k {
			return i
		}
	}
	return len(kinds)
}

func qualify(schema, name string) string { return sqltext.Ident(schema) + "." + sqltext.Ident(name) }
