// Package pgast holds what every reader of pg_query's syntax trees needs:
// walking a statement's nodes. It is the one walker of the trees, by
// protobuf reflection, for the rules, locks and the engine.
package pgast

import (
	"reflect"

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
	w := &walker{f: f}
	w.fields = w.field // bound once: a closure made per message was an allocation per message
	w.walk(m.ProtoReflect())
}

// walker holds one walk's callback and the function it ranges over each
// message's fields with.
type walker struct {
	f      func(proto.Message)
	fields func(protoreflect.FieldDescriptor, protoreflect.Value) bool
}

func (w *walker) walk(m protoreflect.Message) {
	if !m.IsValid() {
		return
	}
	msg := m.Interface()
	w.f(msg)
	if n, ok := msg.(*pg.Node); ok {
		if c := nodeCase(n); c != nil {
			w.walk(c.ProtoReflect())
		}
		return
	}
	m.Range(w.fields)
}

// nodeCase returns the message a node wraps, nil for an empty node. A node
// is a oneof of some 270 message types, and every second message of a tree
// is a node: protobuf reflection finds its case by looking the wrapper's
// type up in maps, Go reflection reads the wrapper's one field directly.
func nodeCase(n *pg.Node) proto.Message {
	if n.Node == nil {
		return nil
	}
	c, _ := reflect.ValueOf(n.Node).Elem().Field(0).Interface().(proto.Message)
	return c
}

// field walks the messages a field of a message holds.
func (w *walker) field(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
	switch {
	case fd.Kind() != protoreflect.MessageKind || fd.IsMap():
	case fd.IsList():
		for l, i := v.List(), 0; i < l.Len(); i++ {
			w.walk(l.Get(i).Message())
		}
	default:
		w.walk(v.Message())
	}
	return true
}
