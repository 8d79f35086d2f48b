package compat

import (
	"testing"

	"github.com/migrate-guard/migrate-guard/catalog"
)

func TestCompatible(t *testing.T) {
	ty := func(name string, mods ...int32) catalog.Type { return catalog.Type{Name: name, Mods: mods} }
	arr := func(t catalog.Type) catalog.Type { t.Array = true; return t }
	cases := []struct {
		name      string
		want, got catalog.Type
		ok        bool
	}{
		{"same", ty("text"), ty("text"), true},
		{"varchar widened", ty("varchar", 100), ty("varchar", 255), true},
		{"varchar narrowed", ty("varchar", 255), ty("varchar", 50), false},
		{"varchar to text", ty("varchar", 100), ty("text"), true},
		{"text to varchar", ty("text"), ty("varchar", 100), false},
		{"text to unbounded varchar", ty("text"), ty("varchar"), true},
		{"text to integer", ty("text"), ty("int4"), false},
		{"integer to text", ty("int4"), ty("text"), false},
		{"integer to bigint", ty("int4"), ty("int8"), true},
		{"bigint to integer", ty("int8"), ty("int4"), false},
		{"json to jsonb", ty("json"), ty("jsonb"), true},
		{"jsonb to text", ty("jsonb"), ty("text"), false},
		{"timestamp precision", ty("timestamp", 3), ty("timestamptz", 6), true},
		{"array to scalar", arr(ty("text")), ty("text"), false},
		{"scalar to array", ty("text"), arr(ty("text")), false},
		{"enum renamed", catalog.Type{Name: `"Role"`, Enum: true}, catalog.Type{Name: `"Role_new"`, Enum: true}, false},
		{"char(1) to char(10)", ty("bpchar"), ty("bpchar", 10), true},
	}
	for _, c := range cases {
		if got := Compatible(c.want, c.got); got != c.ok {
			t.Errorf("%s: Compatible(%s, %s) = %v", c.name, c.want, c.got, got)
		}
	}
}
