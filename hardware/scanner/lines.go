package scanner

import (
	"errors"
	"fmt"
	"strings"
)

// Suffix is what the scanner sends after each code.
type Suffix string

const (
	SuffixCR   Suffix = "CR"   // most scanners' default
	SuffixLF   Suffix = "LF"   //
	SuffixCRLF Suffix = "CRLF" //
)

// ParseSuffix reads "CR", "LF" or "CRLF" (also "CR LF", "\r\n"; any case).
func ParseSuffix(s string) (Suffix, error) {
	switch strings.ToUpper(strings.NewReplacer(" ", "", "+", "", `\R`, "CR", `\N`, "LF", "\r", "CR", "\n", "LF").Replace(strings.ToUpper(s))) {
	case "CR", "":
		return SuffixCR, nil
	case "LF":
		return SuffixLF, nil
	case "CRLF":
		return SuffixCRLF, nil
	}
	return "", fmt.Errorf("scanner suffix %q: want CR, LF or CRLF", s)
}

// DefaultMaxLen bounds a code; GS1-128 carries at most 48 data characters,
// a GS1 DataMatrix more, so 128 leaves room without buffering noise forever.
const DefaultMaxLen = 128

// Errors a Lines reports for dropped input; compare with errors.Is.
var (
	ErrGarbage = errors.New("scanner sent unreadable data")
	ErrTooLong = errors.New("scanner sent a line too long to be a barcode")
)

// Lines reassembles codes from a scanner's byte stream, however the bytes
// are split across reads. A line with control bytes (other than GS, the
// GS1 separator) is dropped as garbage; a line longer than MaxLen is
// dropped up to its end. Empty lines are skipped; with suffix CR a leading
// LF is ignored, so a CR LF scanner configured as CR still works.
type Lines struct {
	Suffix Suffix
	MaxLen int

	buf     []byte
	tooLong bool
}

// Reset drops a partial line (after a reconnect).
func (l *Lines) Reset() { l.buf, l.tooLong = l.buf[:0], false }

// Feed consumes b and returns the completed codes and the errors for
// dropped lines, in order of arrival.
func (l *Lines) Feed(b []byte) (codes []string, errs []error) {
	max := l.MaxLen
	if max <= 0 {
		max = DefaultMaxLen
	}
	end := byte('\r')
	if l.Suffix == SuffixLF || l.Suffix == SuffixCRLF {
		end = '\n'
	}
	for _, c := range b {
		if c != end {
			if len(l.buf) >= max {
				l.tooLong = true
				continue
			}
			l.buf = append(l.buf, c)
			continue
		}
		line := l.buf
		if l.Suffix == SuffixCRLF && len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		if l.Suffix == SuffixCR && len(line) > 0 && line[0] == '\n' {
			line = line[1:]
		}
		switch {
		case l.tooLong:
			errs = append(errs, fmt.Errorf("%w (more than %d characters): dropped", ErrTooLong, max))
		case len(line) == 0:
		case !printable(line):
			errs = append(errs, fmt.Errorf("%w: dropped %q", ErrGarbage, truncate(line, 32)))
		default:
			codes = append(codes, string(line))
		}
		l.Reset()
	}
	return codes, errs
}

func printable(b []byte) bool {
	for _, c := range b {
		if (c < 0x20 && c != 0x1D) || c > 0x7E {
			return false
		}
	}
	return true
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}
