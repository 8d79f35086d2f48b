package catalog

import (
	"fmt"
	"maps"
	"testing"
)

// TestLayeredMatchesMap drives a layered map and a plain map with the same
// changes, cloning along the way (so overlays fold into new bases), and
// checks that every clone still holds exactly what the map held when it
// was taken.
func TestLayeredMatchesMap(t *testing.T) {
	m := newLayered[int, string]()
	want := map[int]string{}
	type snapshot struct {
		clone layered[int, string]
		want  map[int]string
	}
	var snaps []snapshot
	for step := 0; step < 2000; step++ {
		k := step * 7 % 301
		switch step % 5 {
		case 0, 1, 2:
			m.set(k, fmt.Sprint(step))
			want[k] = fmt.Sprint(step)
		case 3:
			m.del(k)
			delete(want, k)
		case 4:
			m.del(k + 1000) // absent: no change
		}
		if step%3 == 0 {
			snaps = append(snaps, snapshot{m.clone(), maps.Clone(want)})
		}
	}
	snaps = append(snaps, snapshot{m, want})
	for i, s := range snaps {
		got := map[int]string{}
		for k, v := range s.clone.all() {
			if _, dup := got[k]; dup {
				t.Fatalf("snapshot %d: key %d yielded twice", i, k)
			}
			got[k] = v
		}
		if !maps.Equal(got, s.want) {
			t.Fatalf("snapshot %d: holds %d entries, want %d", i, len(got), len(s.want))
		}
		if s.clone.len() != len(s.want) {
			t.Fatalf("snapshot %d: len() = %d, want %d", i, s.clone.len(), len(s.want))
		}
		for k := range 301 {
			v, ok := s.clone.get(k)
			if w, wok := s.want[k]; ok != wok || v != w {
				t.Fatalf("snapshot %d: get(%d) = %q, %v; want %q, %v", i, k, v, ok, w, wok)
			}
		}
	}
}

// TestLayeredCloneWritesApart checks that a clone and its original share
// their overlay only until one of them writes: sets and deletions, of keys
// in the base and of keys only in the overlay, on either side, stay on it.
func TestLayeredCloneWritesApart(t *testing.T) {
	m := newLayered[int, string]()
	for k := range 100 {
		m.set(k, "base")
	}
	m.clone() // folds nothing (a small overlay), but now m.over is shared
	m = m.clone()
	m.set(200, "over")
	m.set(201, "over")
	want := map[int]string{200: "over", 201: "over"}
	for k := range 100 {
		want[k] = "base"
	}
	for _, side := range []string{"clone", "original"} {
		c := m.clone()
		w := &c
		if side == "original" {
			w = &m
		}
		w.set(200, side) // overlay key
		w.del(201)       // overlay-only key
		w.del(5)         // base key
		w.set(6, side)   // base key
		other := m
		if side == "original" {
			other = c
		}
		for k, v := range want {
			if got, ok := other.get(k); !ok || got != v {
				t.Fatalf("after writes on the %s, the other side's get(%d) = %q, %v; want %q", side, k, got, ok, v)
			}
		}
		if other.len() != len(want) {
			t.Fatalf("after writes on the %s, the other side's len() = %d, want %d", side, other.len(), len(want))
		}
		if got, _ := w.get(200); got != side || w.len() != len(want)-2 {
			t.Fatalf("the %s lost its own writes: get(200) = %q, len() = %d", side, got, w.len())
		}
		m = other // the untouched side, for the next round
	}
}

// TestLayeredCloneStaysSmall checks that a long run of clones, one change
// apart, does not copy the whole map each time: the overlay a clone copies
// stays near the square root of the map's size.
func TestLayeredCloneStaysSmall(t *testing.T) {
	m := newLayered[int, int]()
	for k := range 10000 {
		m.set(k, k)
	}
	for k := range 1000 {
		m.set(k, -k)
		c := m.clone()
		if len(c.over) > 200 {
			t.Fatalf("clone %d copied an overlay of %d entries for a map of %d", k, len(c.over), m.len())
		}
	}
}
