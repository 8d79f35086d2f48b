package prismaschema

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// unknownNative matches the native types of a rendering, for golden files
// written by a Prisma release whose DMMF has none.
var unknownNative = regexp.MustCompile(` native=\S+`)

// sharedSchemas holds the real schemas of the shared corpus projects.
const sharedSchemas = "../../shared/schemas"

// schemaNames matches what scripts/dmmf-golden reads: base, head and HEAD
// schemas, as files or folders.
var schemaNames = regexp.MustCompile(`^(base|head|HEAD)(\.prisma)?$`)

// TestGoldenDMMF compares the reader with Prisma's own parser on every
// shared schema: testdata/dmmf holds what get_dmmf returned (written by
// scripts/dmmf-golden), keyed by a hash of the schema's files.
func TestGoldenDMMF(t *testing.T) {
	if _, err := os.Stat(sharedSchemas); err != nil {
		t.Skipf("SKIPPED: shared schemas not found at %s: %v", sharedSchemas, err)
	}
	var paths []string
	err := filepath.WalkDir(sharedSchemas, func(p string, d os.DirEntry, err error) error {
		if err == nil && schemaNames.MatchString(d.Name()) {
			paths = append(paths, p)
			if d.IsDir() {
				return filepath.SkipDir
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no schemas found")
	}
	for _, p := range paths {
		rel, _ := filepath.Rel(sharedSchemas, p)
		t.Run(rel, func(t *testing.T) {
			files := readSchema(t, p)
			want := golden(t, files)
			got := "error\n"
			if s, err := Parse(files...); err == nil {
				got = renderDMMF(s)
			} else if want != got {
				t.Fatalf("Prisma reads it, the reader fails: %v", err)
			}
			if strings.Contains(want, " native=?") {
				got = unknownNative.ReplaceAllString(got, " native=?")
			}
			if got != want {
				t.Errorf("reader and Prisma differ:\n%s", lineDiff(want, got))
			}
		})
	}
}

// readSchema reads a schema file or folder as scripts/dmmf-golden does:
// paths relative to the folder, sorted.
func readSchema(t *testing.T, p string) []File {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if !st.IsDir() {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return []File{{filepath.Base(p), data}}
	}
	files, err := schemaFiles(DirSource(p), ".")
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func golden(t *testing.T, files []File) string {
	t.Helper()
	h := sha256.New()
	for _, f := range files {
		fmt.Fprintf(h, "%s\x00%s\x00", f.Path, f.Src)
	}
	name := filepath.Join("testdata", "dmmf", hex.EncodeToString(h.Sum(nil))[:16]+".txt.gz")
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatalf("no golden file (run scripts/dmmf-golden): %v", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	text, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(text)
}

// renderDMMF writes what the golden files hold, as Prisma's DMMF has it:
// ignored models and fields and Unsupported fields are not in the client.
func renderDMMF(s *Schema) string {
	var b strings.Builder
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	bit := func(v bool) int {
		if v {
			return 1
		}
		return 0
	}
	models := append([]*Model(nil), s.Models...)
	sort.Slice(models, func(i, j int) bool { return models[i].Name < models[j].Name })
	for _, m := range models {
		if m.Ignored {
			continue
		}
		fmt.Fprintf(&b, "model %s db=%s schema=%s\n", m.Name, dash(m.DBName), dash(m.Schema))
		for _, f := range m.Fields {
			if f.Ignored || f.Kind == Unsupported {
				continue
			}
			native := "-"
			if f.NativeType != "" {
				native = f.NativeType + "(" + strings.Join(f.NativeArgs, ",") + ")"
			}
			fmt.Fprintf(&b, " field %s db=%s kind=%s type=%s list=%d req=%d default=%d updatedAt=%d native=%s\n",
				f.Name, dash(f.DBName), dmmfKind[f.Kind], f.Type, bit(f.List), bit(!f.Optional), bit(f.HasDefault), bit(f.UpdatedAt), native)
		}
	}
	enums := append([]*Enum(nil), s.Enums...)
	sort.Slice(enums, func(i, j int) bool { return enums[i].Name < enums[j].Name })
	for _, e := range enums {
		fmt.Fprintf(&b, "enum %s db=%s\n", e.Name, dash(e.DBName))
		for _, v := range e.Values {
			fmt.Fprintf(&b, " value %s db=%s\n", v.Name, dash(v.DBName))
		}
	}
	return b.String()
}

var dmmfKind = map[FieldKind]string{Scalar: "scalar", EnumField: "enum", Relation: "object", Composite: "object"}

// lineDiff shows the first lines that differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n  prisma: %s\n  reader: %s", i+1, a, b)
		}
	}
	return ""
}
