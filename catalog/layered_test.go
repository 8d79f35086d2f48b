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
