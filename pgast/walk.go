// Package pgast holds what every reader of pg_query's syntax trees needs:
// walking a statement's nodes.
package pgast

import (
	pg "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Walk calls f on n and on every node below it, parents first.
func Walk(n *pg.Node, f func(*pg.Node)) {
	if n == nil {
		return
	}
	f(n)
	walkMessage(n.ProtoReflect(), f)
}

func walkMessage(m protoreflect.Message, f func(*pg.Node)) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		visit := func(sub protoreflect.Message) {
			if n, ok := sub.Interface().(*pg.Node); ok {
				f(n)
			}
			walkMessage(sub, f)
		}
		switch {
		case fd.Kind() != protoreflect.MessageKind || fd.IsMap():
		case fd.IsList():
			for l, i := v.List(), 0; i < l.Len(); i++ {
				visit(l.Get(i).Message())
			}
		default:
			visit(v.Message())
		}
		return true
	})
}
