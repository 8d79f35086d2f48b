// Package pgast holds what every reader of pg_query's syntax trees needs:
// walking a statement's nodes. It is the one walker of the trees, by
// protobuf reflection, for the rules, locks and the engine.
package pgast

import (
	pg "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Walk calls f on n and on every node below it, parents first.
func Walk(n *pg.Node, f func(*pg.Node)) {
	if n == nil {
		return
	}
	WalkMessages(n, func(m proto.Message) {
		if n, ok := m.(*pg.Node); ok {
			f(n)
		}
	})
}

// WalkMessages calls f on m and on every message below it, parents first:
// besides the nodes, the messages a statement holds directly, such as the
// *pg.RangeVar of an UPDATE's target, which no *pg.Node wraps.
func WalkMessages(m proto.Message, f func(proto.Message)) {
	walk(m.ProtoReflect(), f)
}

func walk(m protoreflect.Message, f func(proto.Message)) {
	if !m.IsValid() {
		return
	}
	f(m.Interface())
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.Kind() != protoreflect.MessageKind || fd.IsMap():
		case fd.IsList():
			for l, i := v.List(), 0; i < l.Len(); i++ {
				walk(l.Get(i).Message(), f)
			}
		default:
			walk(v.Message(), f)
		}
		return true
	})
}
