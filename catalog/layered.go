package catalog

import (
	"iter"
	"maps"
)

// layered is a map whose clones cost what changed since the last rebuild,
// not the size of the schema: the engine clones the catalog before every
// file and, for whole-file rules, before every statement, so copying every
// table and index each time would grow with the history.
//
// base is shared by clones and never written; over holds the changes made
// since base was built, a removal being a change with gone set. A clone
// shares over too, until either side writes: the engine snapshots the
// schema before every statement of a linted file, and most statements
// change one of the maps, if any.
type layered[K comparable, V any] struct {
	base   map[K]V
	over   map[K]change[V] // nil until the first change
	n      int             // live entries
	shared bool            // over is shared with a clone: copy it before writing
}

type change[V any] struct {
	v    V
	gone bool
}

func (m *layered[K, V]) get(k K) (V, bool) {
	if c, ok := m.over[k]; ok {
		return c.v, !c.gone
	}
	v, ok := m.base[k]
	return v, ok
}

// at returns the value of k, or the zero value.
func (m *layered[K, V]) at(k K) V {
	v, _ := m.get(k)
	return v
}

func (m *layered[K, V]) set(k K, v V) {
	if _, ok := m.get(k); !ok {
		m.n++
	}
	m.change(k, change[V]{v: v})
}

func (m *layered[K, V]) del(k K) {
	if _, ok := m.get(k); !ok {
		return
	}
	m.n--
	if _, inBase := m.base[k]; inBase {
		m.change(k, change[V]{gone: true})
		return
	}
	m.own()
	delete(m.over, k)
}

func (m *layered[K, V]) change(k K, c change[V]) {
	m.own()
	if m.over == nil {
		m.over = map[K]change[V]{}
	}
	m.over[k] = c
}

// own makes over this map's own before a write.
func (m *layered[K, V]) own() {
	if m.shared {
		m.over, m.shared = maps.Clone(m.over), false
	}
}

func (m *layered[K, V]) len() int { return m.n }

// all yields every entry in no particular order. The loop must not change
// m: callers collect what to change first.
func (m *layered[K, V]) all() iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		for k, v := range m.base {
			if _, changed := m.over[k]; !changed && !yield(k, v) {
				return
			}
		}
		for k, c := range m.over {
			if !c.gone && !yield(k, c.v) {
				return
			}
		}
	}
}

// keys returns the keys of the entries for which keep is true.
func (m *layered[K, V]) keys(keep func(V) bool) []K {
	var out []K
	for k, v := range m.all() {
		if keep(v) {
			out = append(out, k)
		}
	}
	return out
}

// clone returns a copy that later changes on either side do not affect. It
// first folds a grown overlay into a new base, so that a run of clones
// between changes costs O(√n) each, amortised.
func (m *layered[K, V]) clone() layered[K, V] {
	if d := len(m.over); d > 16 && d*d > 2*len(m.base) {
		base := make(map[K]V, m.n)
		for k, v := range m.all() {
			base[k] = v
		}
		m.base, m.over = base, nil
	}
	m.shared = m.over != nil
	return layered[K, V]{base: m.base, over: m.over, n: m.n, shared: m.shared}
}

func newLayered[K comparable, V any]() layered[K, V] {
	return layered[K, V]{base: map[K]V{}}
}
