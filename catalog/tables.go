package catalog

import "sort"

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
