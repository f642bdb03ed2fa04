package quay

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"strconv"
	"strings"
)

// quotaUnits maps the unit suffixes Quay accepts in a quota "limit" string
// (quay-api.md §9) to their size in bytes. Units with an "i" are binary
// (1024ⁿ); the others are decimal (1000ⁿ), even "G" and "GB". Quay's
// pattern also lets "B" through, then refuses it, so it is not listed.
var quotaUnits = map[string]struct{ base, power uint64 }{
	"K": {1000, 1}, "KB": {1000, 1}, "Ki": {1024, 1}, "KiB": {1024, 1},
	"M": {1000, 2}, "MB": {1000, 2}, "Mi": {1024, 2}, "MiB": {1024, 2},
	"G": {1000, 3}, "GB": {1000, 3}, "Gi": {1024, 3}, "GiB": {1024, 3},
	"T": {1000, 4}, "TB": {1000, 4}, "Ti": {1024, 4}, "TiB": {1024, 4},
	"P": {1000, 5}, "PB": {1000, 5}, "Pi": {1024, 5}, "PiB": {1024, 5},
	"E": {1000, 6}, "EB": {1000, 6}, "Ei": {1024, 6}, "EiB": {1024, 6},
	"Z": {1000, 7}, "ZB": {1000, 7}, "Zi": {1024, 7}, "ZiB": {1024, 7},
	"Y": {1000, 8}, "YB": {1000, 8}, "Yi": {1024, 8}, "YiB": {1024, 8},
}

// ErrInvalidSize is wrapped by every error ParseQuotaSize returns.
var ErrInvalidSize = errors.New("invalid quota size")

// ParseQuotaSize converts a quota size the way Quay reads its "limit"
// field: whole digits, at most one space, then an optional unit ("10 GiB",
// "500MB", "1073741824"). A bare number is bytes. "B" is refused as Quay
// refuses it, and so are zero and sizes that do not fit in an int64. The
// function is pure and never panics, whatever the input.
func ParseQuotaSize(s string) (int64, error) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, fmt.Errorf("%w %q: it must start with a whole number of bytes or units, such as \"10 GiB\" or \"500 MB\"", ErrInvalidSize, s)
	}
	digits, rest := s[:i], s[i:]
	if strings.HasPrefix(rest, ".") {
		return 0, decimalSizeError(s, digits, rest[1:])
	}
	rest = strings.TrimPrefix(rest, " ")
	n, err := strconv.ParseUint(digits, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w %q: the number is too large", ErrInvalidSize, s)
	}
	mult := uint64(1)
	if rest != "" {
		if rest == "B" {
			return 0, fmt.Errorf("%w %q: Quay does not accept the unit \"B\"; give plain bytes without a unit, or a unit such as KiB, MB or GiB", ErrInvalidSize, s)
		}
		u, ok := quotaUnits[rest]
		if !ok {
			return 0, fmt.Errorf("%w %q: unknown unit %q; use K, M, G, T, P, E (decimal, also with B: GB) or Ki, Mi, Gi, Ti, Pi, Ei (binary, also with B: GiB)", ErrInvalidSize, s, rest)
		}
		for p := uint64(0); p < u.power; p++ {
			hi, lo := bits.Mul64(mult, u.base)
			if hi != 0 {
				return 0, fmt.Errorf("%w %q: the size is too large", ErrInvalidSize, s)
			}
			mult = lo
		}
	}
	hi, total := bits.Mul64(n, mult)
	if hi != 0 || total > math.MaxInt64 {
		return 0, fmt.Errorf("%w %q: the size is too large", ErrInvalidSize, s)
	}
	if total == 0 {
		return 0, fmt.Errorf("%w %q: a quota must be larger than zero", ErrInvalidSize, s)
	}
	return int64(total), nil
}

// FormatQuotaSize renders bytes in the largest binary unit that divides it
// exactly ("10 GiB"), or as plain bytes. ParseQuotaSize reads it back to
// the same number.
func FormatQuotaSize(b int64) string {
	if b <= 0 {
		return strconv.FormatInt(b, 10)
	}
	units := []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	unit := ""
	for _, u := range units {
		if b%1024 != 0 {
			break
		}
		b /= 1024
		unit = u
	}
	if unit == "" {
		return strconv.FormatInt(b, 10)
	}
	return strconv.FormatInt(b, 10) + " " + unit
}

// decimalSizeError explains that Quay takes no decimals ("1.5 GiB") and,
// where the size is a whole number of bytes, gives the same size written
// as Quay accepts it ("1536 MiB").
func decimalSizeError(s, whole, afterPoint string) error {
	j := 0
	for j < len(afterPoint) && afterPoint[j] >= '0' && afterPoint[j] <= '9' {
		j++
	}
	unit := strings.TrimPrefix(afterPoint[j:], " ")
	u, known := quotaUnits[unit]
	n, ok := new(big.Rat).SetString(whole + "." + afterPoint[:j] + "0")
	if !known || !ok || j == 0 {
		return fmt.Errorf("%w %q: Quay accepts only whole numbers, without a decimal point, such as \"1536 MiB\"", ErrInvalidSize, s)
	}
	bytes := new(big.Rat).Mul(n, new(big.Rat).SetInt(new(big.Int).Exp(new(big.Int).SetUint64(u.base), new(big.Int).SetUint64(u.power), nil)))
	if !bytes.IsInt() {
		return fmt.Errorf("%w %q: Quay accepts only whole numbers, without a decimal point, and this is not a whole number of bytes; use a smaller unit", ErrInvalidSize, s)
	}
	if !bytes.Num().IsInt64() {
		return fmt.Errorf("%w %q: the size is too large", ErrInvalidSize, s)
	}
	// The same family of units (binary or decimal), largest first.
	suggestion := bytes.Num().String()
	names := []string{"K", "M", "G", "T", "P", "E"}
	if u.base == 1024 {
		names = []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	} else if strings.HasSuffix(unit, "B") {
		names = []string{"KB", "MB", "GB", "TB", "PB", "EB"}
	}
	b := bytes.Num().Int64()
	for p := len(names); p >= 1; p-- {
		div := int64(1)
		for k := 0; k < p; k++ {
			div *= int64(u.base)
		}
		if b%div == 0 {
			suggestion = fmt.Sprintf("%d %s", b/div, names[p-1])
			break
		}
	}
	return fmt.Errorf("%w %q: Quay accepts only whole numbers, without a decimal point; write %q (the same size)", ErrInvalidSize, s, suggestion)
}
