package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/quaytf/terraform-provider-quay/internal/inventory"
)

type header struct {
	url             string
	orgs            []string
	includeDefaults bool
}

type writeStats struct{ written, defaults int }

// errWriter writes and keeps the first error, reported at the end.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, a ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, a...)
	}
}

// writeImports writes one import block per object, in walk order, with the
// object's notes as comments above it. What Quay made by itself is left out
// unless h.includeDefaults, and counted.
func writeImports(out io.Writer, objs []inventory.Object, h header) (writeStats, error) {
	w := &errWriter{w: out}
	var keep []inventory.Object
	var stats writeStats
	for _, o := range objs {
		if o.Default && !h.includeDefaults {
			stats.defaults++
			continue
		}
		keep = append(keep, o)
	}
	names := addresses(keep)

	w.printf("# Import blocks for the Quay at %s, written by quay-import.\n", h.url)
	if len(h.orgs) > 0 {
		w.printf("# Organizations: %s (users and service keys are left out).\n", strings.Join(h.orgs, ", "))
	}
	if stats.defaults > 0 {
		w.printf("# Left out, as made by Quay itself: %d objects (owners teams, the token user's membership of owners,\n"+
			"# repository creators' admin grants, superusers, Quay's own service keys); -include-defaults adds them.\n", stats.defaults)
	}
	w.printf("#\n# Next: terraform plan -generate-config-out=generated.tf\n" +
		"# then do what the NOTE comments below say in generated.tf, and terraform apply.\n")
	for i, o := range keep {
		w.printf("\n")
		for _, note := range o.Notes {
			prefix := "# NOTE: "
			for _, line := range strings.Split(note, "\n") {
				w.printf("%s%s\n", prefix, line)
				prefix = "#   "
			}
		}
		w.printf("import {\n  to = %s.%s\n  id = %s\n}\n", o.Type, names[i], hclString(o.ImportID))
		stats.written++
	}
	return stats, w.err
}

// addresses names each object for its resource address: its name parts,
// sanitized and joined with "_". Names a type already uses get a suffix
// from a hash of the import ID, so that each object keeps its name however
// the rest of the installation changes; among objects whose names collide,
// the one with the smallest import ID keeps the plain name.
func addresses(objs []inventory.Object) []string {
	out := make([]string, len(objs))
	byName := map[string][]int{}
	for i, o := range objs {
		out[i] = resourceName(o.Name)
		key := o.Type + "." + out[i]
		byName[key] = append(byName[key], i)
	}
	taken := map[string]bool{}
	for key := range byName {
		taken[key] = true
	}
	keys := make([]string, 0, len(byName))
	for k := range byName {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		idx := byName[key]
		if len(idx) < 2 {
			continue
		}
		sort.Slice(idx, func(a, b int) bool { return objs[idx[a]].ImportID < objs[idx[b]].ImportID })
		for _, i := range idx[1:] {
			sum := sha256.Sum256([]byte(objs[i].ImportID))
			h := hex.EncodeToString(sum[:])
			for n := 6; ; n++ {
				name := out[i] + "_" + h[:n]
				if !taken[objs[i].Type+"."+name] {
					out[i] = name
					taken[objs[i].Type+"."+name] = true
					break
				}
			}
		}
	}
	return out
}

// resourceName turns name parts into a Terraform identifier: lowercase
// letters, digits, "_" and "-", starting with a letter or "_".
func resourceName(parts []string) string {
	var b strings.Builder
	for _, p := range parts {
		if b.Len() > 0 {
			b.WriteByte('_')
		}
		for _, r := range strings.ToLower(p) {
			switch {
			case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '-':
				b.WriteRune(r)
			default:
				b.WriteByte('_')
			}
		}
	}
	s := b.String()
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] == '_') {
		s = "_" + s
	}
	return s
}

// hclString quotes s as an HCL string literal: escapes, and no template
// sequences.
func hclString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\t", `\t`, "${", "$${", "%{", "%%{")
	return `"` + r.Replace(s) + `"`
}
