package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Quay validates request bodies with Python's jsonschema 3.2 (requirements.txt)
// and sends str(ValidationError) as the problem detail. Its first line prints
// values with Python's repr() of what json.loads made of the body: single
// quotes, True/False/None, dict keys in the order they were sent. This file
// renders values that way and evaluates the small schema subset the emulated
// endpoints declare, choosing the reported error as jsonschema's best_match does.

// jsonValue is a decoded JSON value that keeps object keys in document order.
type jsonValue struct {
	kind string // "object", "array", "string", "number", "boolean", "null"
	keys []string
	vals []*jsonValue // object values (by keys) or array items
	str  string       // string value, or the number's literal
	b    bool
}

func (v *jsonValue) get(key string) *jsonValue {
	for i, k := range v.keys {
		if k == key {
			return v.vals[i]
		}
	}
	return nil
}

// parseJSONValue decodes raw, or returns nil when it is not JSON.
func parseJSONValue(raw []byte) *jsonValue {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	v, err := readJSONValue(dec)
	if err != nil {
		return nil
	}
	return v
}

func readJSONValue(dec *json.Decoder) (*jsonValue, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		v := &jsonValue{kind: "array"}
		if t == '{' {
			v.kind = "object"
		}
		for dec.More() {
			if v.kind == "object" {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, _ := k.(string)
				v.keys = append(v.keys, key)
			}
			item, err := readJSONValue(dec)
			if err != nil {
				return nil, err
			}
			v.vals = append(v.vals, item)
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return nil, err
		}
		return v, nil
	case string:
		return &jsonValue{kind: "string", str: t}, nil
	case json.Number:
		return &jsonValue{kind: "number", str: t.String()}, nil
	case bool:
		return &jsonValue{kind: "boolean", b: t}, nil
	default:
		return &jsonValue{kind: "null"}, nil
	}
}

// pyRepr renders raw JSON as Python's repr() prints json.loads(raw).
func pyRepr(raw []byte) string {
	v := parseJSONValue(raw)
	if v == nil {
		return string(raw)
	}
	return v.repr()
}

func (v *jsonValue) repr() string { return v.render(false) }

// sortedRepr is repr() as pprint prints a value that fits on its line:
// dict keys sorted (pprint's sort_dicts, on by default).
func (v *jsonValue) sortedRepr() string { return v.render(true) }

func (v *jsonValue) render(sorted bool) string {
	switch v.kind {
	case "object":
		order := make([]int, len(v.keys))
		for i := range order {
			order[i] = i
		}
		if sorted {
			order = v.sortedKeys()
		}
		parts := make([]string, len(v.keys))
		for n, i := range order {
			parts[n] = pyString(v.keys[i]) + ": " + v.vals[i].render(sorted)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case "array":
		parts := make([]string, len(v.vals))
		for i, x := range v.vals {
			parts[i] = x.render(sorted)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case "string":
		return pyString(v.str)
	case "number":
		return pyNumber(v.str)
	case "boolean":
		if v.b {
			return "True"
		}
		return "False"
	default:
		return "None"
	}
}

// isFloatLiteral says whether json.loads makes a float (not an int) of a number.
func isFloatLiteral(lit string) bool { return strings.ContainsAny(lit, ".eE") }

// pyNumber prints a JSON number literal as Python prints the int or float
// json.loads makes of it.
func pyNumber(lit string) string {
	if !isFloatLiteral(lit) {
		if n, ok := new(big.Int).SetString(lit, 10); ok {
			return n.String()
		}
		return lit
	}
	f, err := strconv.ParseFloat(lit, 64)
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case err != nil:
		return lit
	}
	// repr(float): shortest round-trip digits, exponent form below 1e-4 and from 1e16.
	e := strconv.FormatFloat(f, 'e', -1, 64)
	exp, _ := strconv.Atoi(e[strings.IndexByte(e, 'e')+1:])
	if exp < -4 || exp >= 16 {
		return e
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// pyString is Python's repr() of a str.
func pyString(s string) string {
	quote := byte('\'')
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		quote = '"'
	}
	var b strings.Builder
	b.WriteByte(quote)
	for _, r := range s {
		switch {
		case r == rune(quote) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < ' ' || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < utf8.RuneSelf || unicode.IsPrint(r):
			b.WriteRune(r)
		case r <= 0xff:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	b.WriteByte(quote)
	return b.String()
}

// typeError is the first line of a jsonschema type failure.
func typeError(m map[string]json.RawMessage, key, want string) string {
	return pyRepr(m[key]) + " is not of type '" + want + "'"
}

// schema is a request schema as an endpoint declares it, kept as JSON text in
// the declaration's key order, so messages can print it as repr() does.
type schema struct {
	v       *jsonValue
	pattern map[string]*regexp.Regexp
}

func mustSchema(text string) *schema {
	v := parseJSONValue([]byte(text))
	if v == nil || v.kind != "object" {
		panic("emulator: bad schema " + text)
	}
	return &schema{v: v, pattern: map[string]*regexp.Regexp{}}
}

// schemaErr is one validation error: the keyword that failed, its message,
// for anyOf and oneOf the errors of each branch, and where it sits: the
// schema path down to the keyword and the instance path, both relative to
// the error's parent and as repr() prints their items, with the subschema
// and instance value the keyword judged.
type schemaErr struct {
	keyword    string
	message    string
	context    []schemaErr
	schemaPath []string
	instPath   []string
	sch, inst  *jsonValue
}

func (e schemaErr) depth() int { return len(e.instPath) }

// String is str(ValidationError) in jsonschema 3.2 (exceptions.py,
// _Error.__unicode__): the message, then the failing keyword with the
// subschema holding it and the instance, each as pprint.pformat(width=72)
// prints it, indented by four spaces.
func (e schemaErr) String() string {
	at := func(path []string) string {
		if len(path) == 0 {
			return ""
		}
		return "[" + strings.Join(path, "][") + "]"
	}
	indent := func(text string) string {
		lines := strings.Split(text, "\n")
		for i, l := range lines {
			lines[i] = "    " + l
		}
		return strings.Join(lines, "\n")
	}
	return e.message + "\n\nFailed validating " + pyString(e.keyword) + " in schema" +
		at(e.schemaPath[:len(e.schemaPath)-1]) + ":\n" + indent(pformat(e.sch)) +
		"\n\nOn instance" + at(e.instPath) + ":\n" + indent(pformat(e.inst))
}

// validate returns the text jsonschema's validate() would raise for
// instance, or "" when it is valid.
func (s *schema) validate(instance *jsonValue) string {
	errs := s.errors(s.v, instance)
	if len(errs) == 0 {
		return ""
	}
	// best_match (jsonschema 3.2): the most relevant error overall, then
	// the least relevant of its context, repeatedly; ties go to the first.
	best := errs[0]
	for _, e := range errs[1:] {
		if relevanceLess(best, e) {
			best = e
		}
	}
	for len(best.context) > 0 {
		least := best.context[0]
		for _, e := range best.context[1:] {
			if relevanceLess(e, least) {
				least = e
			}
		}
		best = least
	}
	return best.String()
}

// relevanceLess orders errors by jsonschema's relevance key: shallower is
// more relevant, and anyOf/oneOf are weak.
func relevanceLess(a, b schemaErr) bool {
	if a.depth() != b.depth() {
		return a.depth() > b.depth()
	}
	weakA, weakB := a.keyword == "oneOf" || a.keyword == "anyOf", b.keyword == "oneOf" || b.keyword == "anyOf"
	return weakA && !weakB
}

func (s *schema) errors(sch, inst *jsonValue) []schemaErr {
	var out []schemaErr
	add := func(keyword, msg string) {
		out = append(out, schemaErr{keyword: keyword, message: msg, schemaPath: []string{pyString(keyword)}, sch: sch, inst: inst})
	}
	for i, kw := range sch.keys {
		val := sch.vals[i]
		switch kw {
		case "type":
			types := []*jsonValue{val}
			if val.kind == "array" {
				types = val.vals
			}
			fits := false
			names := make([]string, len(types))
			for j, t := range types {
				fits = fits || isJSONType(inst, t.str)
				names[j] = t.repr()
			}
			if !fits {
				add(kw, inst.repr()+" is not of type "+strings.Join(names, ", "))
			}
		case "maxLength", "minLength":
			// jsonschema 3.2 counts characters, as Python's len does.
			if n, err := strconv.Atoi(val.str); err == nil && inst.kind == "string" {
				if kw == "maxLength" && pyLen(inst.str) > n {
					add(kw, inst.repr()+" is too long")
				}
				if kw == "minLength" && pyLen(inst.str) < n {
					add(kw, inst.repr()+" is too short")
				}
			}
		case "items":
			// One schema for every item: an error's instance path starts
			// with the item's index; its schema path only gains "items".
			if inst.kind == "array" && val.kind == "object" {
				for j, item := range inst.vals {
					for _, e := range s.errors(val, item) {
						e.schemaPath = append([]string{pyString(kw)}, e.schemaPath...)
						e.instPath = append([]string{strconv.Itoa(j)}, e.instPath...)
						out = append(out, e)
					}
				}
			}
		case "minimum":
			if inst.kind == "number" && numberLess(inst.str, val.str) {
				add(kw, inst.repr()+" is less than the minimum of "+val.repr())
			}
		case "maximum":
			if inst.kind == "number" && numberLess(val.str, inst.str) {
				add(kw, inst.repr()+" is greater than the maximum of "+val.repr())
			}
		case "enum":
			found := false
			for _, e := range val.vals {
				found = found || e.repr() == inst.repr()
			}
			if !found {
				add(kw, inst.repr()+" is not one of "+val.repr())
			}
		case "required":
			if inst.kind == "object" {
				for _, r := range val.vals {
					if inst.get(r.str) == nil {
						add(kw, pyString(r.str)+" is a required property")
					}
				}
			}
		case "properties":
			if inst.kind == "object" {
				for j, name := range val.keys {
					if sub := inst.get(name); sub != nil {
						for _, e := range s.errors(val.vals[j], sub) {
							e.schemaPath = append([]string{pyString(kw), pyString(name)}, e.schemaPath...)
							e.instPath = append([]string{pyString(name)}, e.instPath...)
							out = append(out, e)
						}
					}
				}
			}
		case "additionalProperties":
			if inst.kind == "object" && val.kind == "boolean" && !val.b {
				props := sch.get("properties")
				var extra []string
				for _, k := range inst.keys {
					if props == nil || props.get(k) == nil {
						extra = append(extra, pyString(k))
					}
				}
				verb := "was"
				if len(extra) > 1 {
					verb = "were"
				}
				if len(extra) > 0 { // Python lists a set; the emulator keeps body order
					add(kw, "Additional properties are not allowed ("+strings.Join(extra, ", ")+" "+verb+" unexpected)")
				}
			}
		case "pattern":
			if inst.kind == "string" {
				re := s.pattern[val.str]
				if re == nil {
					re = regexp.MustCompile(val.str)
					s.pattern[val.str] = re
				}
				if !re.MatchString(inst.str) {
					add(kw, inst.repr()+" does not match "+pyString(val.str))
				}
			}
		case "not":
			if len(s.errors(val, inst)) == 0 {
				add(kw, val.repr()+" is not allowed for "+inst.repr())
			}
		case "oneOf", "anyOf":
			for _, e := range s.oneOf(val, inst, kw == "anyOf") {
				e.schemaPath, e.sch, e.inst = []string{pyString(kw)}, sch, inst
				out = append(out, e)
			}
		}
	}
	return out
}

// oneOf follows jsonschema 3.2's oneOf and anyOf: no valid branch is one
// error whose context holds every branch's errors, their schema paths
// starting at the branch's index; for oneOf, more than one valid branch
// lists the later valid branches and then the first.
func (s *schema) oneOf(branches, inst *jsonValue, anyOf bool) []schemaErr {
	first := -1
	var all []schemaErr
	for i, b := range branches.vals {
		errs := s.errors(b, inst)
		if len(errs) == 0 {
			first = i
			break
		}
		for _, e := range errs {
			e.schemaPath = append([]string{strconv.Itoa(i)}, e.schemaPath...)
			all = append(all, e)
		}
	}
	kw := "oneOf"
	if anyOf {
		kw = "anyOf"
	}
	if first < 0 {
		return []schemaErr{{keyword: kw, message: inst.repr() + " is not valid under any of the given schemas", context: all}}
	}
	if anyOf {
		return nil
	}
	var more []string
	for _, b := range branches.vals[first+1:] {
		if len(s.errors(b, inst)) == 0 {
			more = append(more, b.repr())
		}
	}
	if len(more) == 0 {
		return nil
	}
	more = append(more, branches.vals[first].repr())
	return []schemaErr{{keyword: kw, message: inst.repr() + " is valid under each of " + strings.Join(more, ", ")}}
}

// isJSONType is jsonschema's Draft 7 type check on a json.loads value:
// an integer is an int or a float with no fraction; booleans are not numbers.
func isJSONType(v *jsonValue, want string) bool {
	switch want {
	case "integer":
		if v.kind != "number" {
			return false
		}
		if !isFloatLiteral(v.str) {
			return true
		}
		f, err := strconv.ParseFloat(v.str, 64)
		return err == nil && !math.IsInf(f, 0) && f == math.Trunc(f)
	default:
		return v.kind == want
	}
}

// numberLess compares two JSON number literals as Python compares the int
// or float json.loads makes of each.
func numberLess(a, b string) bool {
	x, okA := new(big.Float).SetString(a)
	y, okB := new(big.Float).SetString(b)
	return okA && okB && x.Cmp(y) < 0
}

// sortedKeys returns the indexes of v's keys in code point order.
func (v *jsonValue) sortedKeys() []int {
	idx := make([]int, len(v.keys))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return v.keys[idx[a]] < v.keys[idx[b]] })
	return idx
}

// pformatWidth is the width jsonschema 3.2 asks pprint for.
const pformatWidth = 72

// pformat is Python's pprint.pformat(value, width=72) for the values
// json.loads makes (CPython's pprint.py, PrettyPrinter._format and its
// dict, list and str printers).
func pformat(v *jsonValue) string {
	var b strings.Builder
	pprintValue(&b, v, 0, 0, 0)
	return b.String()
}

func pyLen(s string) int { return utf8.RuneCountInString(s) }

func pprintValue(b *strings.Builder, v *jsonValue, indent, allowance, level int) {
	rep := v.sortedRepr()
	if pyLen(rep) <= pformatWidth-indent-allowance {
		b.WriteString(rep)
		return
	}
	switch v.kind {
	case "object":
		b.WriteByte('{')
		ind := indent + 1
		keys := v.sortedKeys()
		for n, i := range keys {
			last := n == len(keys)-1
			k := pyString(v.keys[i])
			b.WriteString(k + ": ")
			a := 1
			if last {
				a = allowance + 1
			}
			pprintValue(b, v.vals[i], ind+pyLen(k)+2, a, level+1)
			if !last {
				b.WriteString(",\n" + strings.Repeat(" ", ind))
			}
		}
		b.WriteByte('}')
	case "array":
		b.WriteByte('[')
		ind := indent + 1
		for n, x := range v.vals {
			if n > 0 {
				b.WriteString(",\n" + strings.Repeat(" ", ind))
			}
			a := 1
			if n == len(v.vals)-1 {
				a = allowance + 1
			}
			pprintValue(b, x, ind, a, level+1)
		}
		b.WriteByte(']')
	case "string":
		pprintString(b, v.str, indent, allowance, level+1)
	default:
		b.WriteString(rep)
	}
}

// pprintString splits a long string into adjacent literals at whitespace,
// as PrettyPrinter._pprint_str does.
func pprintString(b *strings.Builder, s string, indent, allowance, level int) {
	if level == 1 {
		indent++
		allowance++
	}
	maxWidth := pformatWidth - indent
	maxWidth1 := maxWidth
	lines := pySplitLines(s)
	var chunks []string
	rep := ""
	for i, line := range lines {
		rep = pyString(line)
		if i == len(lines)-1 {
			maxWidth1 -= allowance
		}
		if pyLen(rep) <= maxWidth1 {
			chunks = append(chunks, rep)
			continue
		}
		parts := spaceParts(line)
		maxWidth2 := maxWidth
		current := ""
		for j, part := range parts {
			candidate := current + part
			if j == len(parts)-1 && i == len(lines)-1 {
				maxWidth2 -= allowance
			}
			if pyLen(pyString(candidate)) > maxWidth2 {
				if current != "" {
					chunks = append(chunks, pyString(current))
				}
				current = part
			} else {
				current = candidate
			}
		}
		if current != "" {
			chunks = append(chunks, pyString(current))
		}
	}
	if len(chunks) == 1 {
		b.WriteString(rep)
		return
	}
	if level == 1 {
		b.WriteByte('(')
	}
	b.WriteString(strings.Join(chunks, "\n"+strings.Repeat(" ", indent)))
	if level == 1 {
		b.WriteByte(')')
	}
}

// pySplitLines is str.splitlines(True).
func pySplitLines(s string) []string {
	var out []string
	start := 0
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		switch rs[i] {
		case '\r':
			if i+1 < len(rs) && rs[i+1] == '\n' {
				i++
			}
		case '\n', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
		default:
			continue
		}
		out = append(out, string(rs[start:i+1]))
		start = i + 1
	}
	if start < len(rs) {
		out = append(out, string(rs[start:]))
	}
	return out
}

// spaceParts is re.findall(r'\S*\s*', s) without its final empty match:
// runs of non-space each followed by the space after it.
func spaceParts(s string) []string {
	var out []string
	rs := []rune(s)
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && !unicode.IsSpace(rs[j]) {
			j++
		}
		for j < len(rs) && unicode.IsSpace(rs[j]) {
			j++
		}
		out = append(out, string(rs[i:j]))
		i = j
	}
	return out
}
