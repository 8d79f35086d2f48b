package rules

import (
	"fmt"
	"strings"

	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// columnsOfType returns the columns whose type is typ or an array of it.
func columnsOfType(s *catalog.Catalog, typ catalog.Name) []colKey {
	var out []colKey
	for _, t := range s.TableList() {
		for _, c := range t.Columns {
			if c.Type.Name == typ.String() {
				out = append(out, colKey{t.Name, c.Name})
			}
		}
	}
	return out
}

// fkRef is a foreign key of a table.
type fkRef struct {
	Table catalog.Name
	catalog.Constraint
}

func (f fkRef) String() string { return fmt.Sprintf("%s on %s", sqltext.Ident(f.Name), f.Table) }

// referencingFKs returns the foreign keys of other tables that reference
// table.
func referencingFKs(s *catalog.Catalog, table catalog.Name) []fkRef {
	var out []fkRef
	for _, t := range s.TableList() {
		for _, k := range t.Constraints {
			if k.Kind == catalog.ForeignKey && k.RefTable == table && t.Name != table {
				out = append(out, fkRef{t.Name, k})
			}
		}
	}
	return out
}

// tablesInSchema returns the tables of a schema.
func tablesInSchema(s *catalog.Catalog, schema string) []catalog.Name {
	var out []catalog.Name
	for _, t := range s.TableList() {
		if t.Name.Schema == schema {
			out = append(out, t.Name)
		}
	}
	return out
}

// columnList renders columns as "T"."c", "U"."d" for messages.
func columnList(cols []colKey) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c.Table.String() + "." + sqltext.Ident(c.Col)
	}
	return strings.Join(parts, ", ")
}

// nameList renders names as "A", "B" for messages.
func nameList[T fmt.Stringer](names []T) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n.String()
	}
	return strings.Join(parts, ", ")
}

// quotedValues renders enum values as SQL string literals: 'A', 'B'.
func quotedValues(vals []string) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = sqltext.Literal(v)
	}
	return strings.Join(parts, ", ")
}
