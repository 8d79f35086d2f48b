package catalog

import "sort"

// TableList returns every table, sorted by schema and name, for rules that
// look for what depends on an object: the columns of an enum type, the
// foreign keys that reference a table, the tables of a schema.
func (c *Catalog) TableList() []*Table {
	out := make([]*Table, 0, len(c.tables))
	for _, t := range c.tables {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Name, out[j].Name
		return a.Schema < b.Schema || a.Schema == b.Schema && a.Name < b.Name
	})
	return out
}
