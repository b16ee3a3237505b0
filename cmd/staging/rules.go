package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var (
	forRe   = regexp.MustCompile(`^(\s*for:\s*)(\S+)\s*$`)
	rangeRe = regexp.MustCompile(`\[(\d+[smhd])\]`)
	wallRe  = regexp.MustCompile(`(\d+(?:\.\d+)?)(\s*#\s*wall-seconds)`)
)

// scaleRules derives the staging copy of the alert rules: time runs scale
// times faster, so every for:, every [range] and every threshold marked
// "# wall-seconds" is divided by scale. Ranges never go below minRange
// (four scrape intervals: rate() needs samples to work with).
func scaleRules(src string, scale float64, minRange time.Duration) (string, error) {
	if scale <= 0 {
		return "", fmt.Errorf("scale %v: want > 0", scale)
	}
	short := func(d time.Duration, floor time.Duration) string {
		s := time.Duration(float64(d) / scale).Round(time.Millisecond)
		s = max(s, floor)
		return strconv.FormatInt(s.Milliseconds(), 10) + "ms"
	}
	var out []string
	for i, line := range strings.Split(src, "\n") {
		if m := forRe.FindStringSubmatch(line); m != nil {
			d, err := time.ParseDuration(m[2])
			if err != nil {
				return "", fmt.Errorf("line %d: for %q: %w", i+1, m[2], err)
			}
			line = m[1] + short(d, 0)
		}
		var err error
		line = rangeRe.ReplaceAllStringFunc(line, func(r string) string {
			d, e := promDuration(r[1 : len(r)-1])
			if e != nil {
				err = e
			}
			return "[" + short(d, minRange) + "]"
		})
		line = wallRe.ReplaceAllStringFunc(line, func(s string) string {
			m := wallRe.FindStringSubmatch(s)
			v, _ := strconv.ParseFloat(m[1], 64)
			return strconv.FormatFloat(v/scale, 'f', 3, 64) + m[2]
		})
		if err != nil {
			return "", fmt.Errorf("line %d: %w", i+1, err)
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n"), nil
}

// promDuration reads the Prometheus durations the rules use (s, m, h, d).
func promDuration(s string) (time.Duration, error) {
	if strings.HasSuffix(s, "d") {
		n, err := strconv.Atoi(strings.TrimSuffix(s, "d"))
		return time.Duration(n) * 24 * time.Hour, err
	}
	return time.ParseDuration(s)
}
