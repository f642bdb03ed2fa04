package quay

import (
	"errors"
	"strings"
	"testing"
)

func TestParseQuotaSize(t *testing.T) {
	good := map[string]int64{
		"1":                   1,
		"1073741824":          1 << 30,
		"10 GiB":              10 << 30,
		"10GiB":               10 << 30,
		"10Gi":                10 << 30,
		"10 G":                10_000_000_000,
		"10GB":                10_000_000_000,
		"500 MB":              500_000_000,
		"2 Ki":                2048,
		"1 K":                 1000,
		"7 EiB":               7 << 60,
		"9 EB":                9e18,
		"10 ":                 10,
		"0010 MiB":            10 << 20,
		"8388607 TiB":         8388607 << 40,
		"9223372036854775807": 9223372036854775807,
	}
	for in, want := range good {
		got, err := ParseQuotaSize(in)
		if err != nil || got != want {
			t.Errorf("ParseQuotaSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	bad := []string{"", "0", "0 GiB", "100B", "100 B", "1.5 GiB", "GiB", "-1", "10  GiB", "10 gib", "10 iB", "8 EiB", "10 ZB", "1 YiB", "99999999999999999999", " 10", "10 GiB ", "\x00"}
	for _, in := range bad {
		if got, err := ParseQuotaSize(in); err == nil || !errors.Is(err, ErrInvalidSize) {
			t.Errorf("ParseQuotaSize(%q) = %d, %v; want an ErrInvalidSize", in, got, err)
		}
	}
}

func TestFormatQuotaSize(t *testing.T) {
	for in, want := range map[int64]string{1: "1", 1024: "1 KiB", 10 << 30: "10 GiB", 1e9: "1000000000", 1536: "1536", 3 << 60: "3 EiB"} {
		if got := FormatQuotaSize(in); got != want {
			t.Errorf("FormatQuotaSize(%d) = %q, want %q", in, got, want)
		}
		if back, err := ParseQuotaSize(FormatQuotaSize(in)); err != nil || back != in {
			t.Errorf("round trip of %d: %d, %v", in, back, err)
		}
	}
}

// FuzzParseQuotaSize checks that the parser never panics, and that what it
// accepts is positive and survives a round trip through FormatQuotaSize.
func FuzzParseQuotaSize(f *testing.F) {
	for _, s := range []string{"10 GiB", "1", "100B", "9 EB", "1.5 G", "18446744073709551615 K"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseQuotaSize(s)
		if err != nil {
			return
		}
		if n <= 0 {
			t.Fatalf("ParseQuotaSize(%q) = %d", s, n)
		}
		if back, err := ParseQuotaSize(FormatQuotaSize(n)); err != nil || back != n {
			t.Fatalf("round trip of %d: %d, %v", n, back, err)
		}
	})
}

func TestParseQuotaSizeDecimals(t *testing.T) {
	cases := map[string]string{
		"1.5 GiB": `write "1536 MiB"`,
		"1.5GiB":  `write "1536 MiB"`,
		"2.5 GB":  `write "2500 MB"`,
		"0.5 Ti":  `write "512 GiB"`,
		"1.25 G":  `write "1250 M"`,
		"1.3 KiB": "not a whole number of bytes",
		"1.5 XB":  "only whole numbers",
		"1.":      "only whole numbers",
	}
	for in, want := range cases {
		_, err := ParseQuotaSize(in)
		if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, ErrInvalidSize) {
			t.Errorf("ParseQuotaSize(%q) error = %v; want it to say %q", in, err, want)
		}
	}
}
