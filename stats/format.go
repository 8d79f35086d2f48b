package stats

import (
	"fmt"
	"math"
	"strconv"
)

// Describe says a table's size: `48.2 M rows, 12.4 GB, 3 indexes`.
func (t *Table) Describe() string {
	ix := "no index"
	switch n := len(t.Indexes); n {
	case 0:
	case 1:
		ix = "1 index"
	default:
		ix = fmt.Sprintf("%d indexes", n)
	}
	return fmt.Sprintf("%s rows, %s, %s", FormatCount(t.Rows), FormatBytes(t.TotalBytes), ix)
}

// FormatCount writes a count with a k, M or G suffix: 950, 12.5 k, 48.2 M.
func FormatCount(n int64) string {
	f := float64(n)
	switch {
	case f >= 1e9:
		return short(f/1e9) + " G"
	case f >= 1e6:
		return short(f/1e6) + " M"
	case f >= 1e4:
		return short(f/1e3) + " k"
	}
	return strconv.FormatInt(n, 10)
}

// FormatBytes writes a size in kB, MB, GB or TB (powers of 1024, as
// PostgreSQL's pg_size_pretty).
func FormatBytes(n int64) string {
	f := float64(n)
	for _, u := range []string{"bytes", "kB", "MB", "GB"} {
		if f < 1024 {
			if u == "bytes" {
				return fmt.Sprintf("%d bytes", n)
			}
			return short(f) + " " + u
		}
		f /= 1024
	}
	return short(f) + " TB"
}

// short writes a number with three significant digits at most: 48.2, 512, 3.
func short(f float64) string {
	switch {
	case f >= 100:
		return strconv.FormatFloat(math.Round(f), 'f', -1, 64)
	case f >= 10:
		return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64)
	}
	return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64)
}

// FormatRange writes a range of seconds in the unit that suits its upper
// end, unless its lower end would be under half of that unit: "0.2–0.8 s",
// "0.67–2.67 min", "2–8 min", "1.5–6 h", "10 s–3.5 min".
func FormatRange(lo, hi float64) string {
	if hu := unit(hi); unit(lo) == hu || lo/hu.div >= 0.5 {
		return fmt.Sprintf("%s–%s %s", short(lo/hu.div), short(hi/hu.div), hu.name)
	}
	return FormatSeconds(lo) + "–" + FormatSeconds(hi)
}

// FormatSeconds writes a duration in ms, s, min or h.
func FormatSeconds(s float64) string {
	u := unit(s)
	return short(s/u.div) + " " + u.name
}

type timeUnit struct {
	name string
	div  float64
}

func unit(s float64) timeUnit {
	switch {
	case s < 0.1:
		return timeUnit{"ms", 1e-3}
	case s < 120:
		return timeUnit{"s", 1}
	case s < 2*3600:
		return timeUnit{"min", 60}
	}
	return timeUnit{"h", 3600}
}
