package catalog

import (
	"slices"
	"sort"
)

// TableList returns every table, sorted by schema and name, for rules that
// look for what depends on an object: the columns of an enum type, the
// foreign keys that reference a table, the tables of a schema.
func (c *Catalog) TableList() []*Table {
	out := make([]*Table, 0, c.tables.len())
	for _, t := range c.tables.all() {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name.less(out[j].Name) })
	return out
}

// Materialized reports whether a view of ViewsOn is a materialized view.
func (c *Catalog) Materialized(view Name) bool { return c.matviews.at(view) }

// EnumList returns every enum type, sorted by schema and name: what a
// schema holds besides its tables.
func (c *Catalog) EnumList() []*Enum {
	var out []*Enum
	for _, e := range c.enums.all() {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name.less(out[j].Name) })
	return out
}

// ViewsOn returns the views and materialized views of the history whose
// query reads the relation, sorted: what DROP ... CASCADE of it drops too.
func (c *Catalog) ViewsOn(rel Name) []Name {
	var out []Name
	for v, reads := range c.views.all() {
		if slices.Contains(reads, rel) {
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].less(out[j]) })
	return out
}
