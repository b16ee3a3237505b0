package pos

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// MaxJSONDepth bounds the nesting of a payload: a sale record is four levels
// deep, and a recursive decoder must not be walked into a stack overflow.
const MaxJSONDepth = 16

// ErrNotCanonical wraps every reason CheckCanonicalJSON refuses a payload.
var ErrNotCanonical = Errorf(EInvalid, "payload is not canonical JSON")

// CheckCanonicalJSON accepts only JSON that every parser reads the same way,
// as the register's json.Marshal writes it: one compact value with no
// whitespace, byte-order mark or trailing data; valid UTF-8 without lone
// surrogate escapes; object keys of lower-case ASCII letters, digits and '_'
// (encoding/json matches keys case-insensitively, other readers do not),
// each at most once per object; integers only, without leading zeros,
// exponent, fraction or "-0", that fit in an int64. The head office stores
// and hashes the bytes but reads the decoded value: this check makes the
// two the same.
func CheckCanonicalJSON(p []byte) error {
	if !utf8.Valid(p) {
		return fmt.Errorf("%w: invalid UTF-8", ErrNotCanonical)
	}
	c := canonScanner{p: p}
	if err := c.value(0); err != nil {
		return fmt.Errorf("%w: %v at byte %d", ErrNotCanonical, err, c.i)
	}
	if c.i != len(p) {
		return fmt.Errorf("%w: data after the value at byte %d", ErrNotCanonical, c.i)
	}
	return nil
}

// DecodeCanonical checks p with CheckCanonicalJSON and decodes it into v.
// It is the one way a payload from outside becomes a value.
func DecodeCanonical(p []byte, v any) error {
	if err := CheckCanonicalJSON(p); err != nil {
		return err
	}
	if err := json.Unmarshal(p, v); err != nil {
		return fmt.Errorf("%w: %v", ErrNotCanonical, err)
	}
	return nil
}

type canonScanner struct {
	p []byte
	i int
}

var errEnd = errors.New("unexpected end")

func (c *canonScanner) peek() (byte, error) {
	if c.i >= len(c.p) {
		return 0, errEnd
	}
	return c.p[c.i], nil
}

func (c *canonScanner) expect(b byte) error {
	if got, err := c.peek(); err != nil || got != b {
		if err != nil {
			return err
		}
		return fmt.Errorf("want %q, got %q", b, got)
	}
	c.i++
	return nil
}

func (c *canonScanner) value(depth int) error {
	b, err := c.peek()
	if err != nil {
		return err
	}
	if (b == '{' || b == '[') && depth >= MaxJSONDepth {
		return fmt.Errorf("nested deeper than %d", MaxJSONDepth)
	}
	switch {
	case b == '{':
		return c.object(depth + 1)
	case b == '[':
		return c.array(depth + 1)
	case b == '"':
		return c.str()
	case b == '-' || ('0' <= b && b <= '9'):
		return c.number()
	}
	for _, lit := range []string{"true", "false", "null"} {
		if len(c.p)-c.i >= len(lit) && string(c.p[c.i:c.i+len(lit)]) == lit {
			c.i += len(lit)
			return nil
		}
	}
	return fmt.Errorf("unexpected %q", b)
}

func (c *canonScanner) object(depth int) error {
	c.i++ // '{'
	if b, err := c.peek(); err == nil && b == '}' {
		c.i++
		return nil
	}
	seen := map[string]bool{}
	for {
		start := c.i
		if err := c.key(); err != nil {
			return err
		}
		k := string(c.p[start+1 : c.i-1])
		if seen[k] {
			return fmt.Errorf("duplicate key %q", k)
		}
		seen[k] = true
		if err := c.expect(':'); err != nil {
			return err
		}
		if err := c.value(depth); err != nil {
			return err
		}
		b, err := c.peek()
		if err != nil {
			return err
		}
		c.i++
		switch b {
		case ',':
		case '}':
			return nil
		default:
			return fmt.Errorf("want ',' or '}', got %q", b)
		}
	}
}

// key reads an object key: "[a-z0-9_]{1,64}".
func (c *canonScanner) key() error {
	if err := c.expect('"'); err != nil {
		return err
	}
	start := c.i
	for c.i < len(c.p) && c.p[c.i] != '"' {
		b := c.p[c.i]
		if !('a' <= b && b <= 'z' || '0' <= b && b <= '9' || b == '_') {
			return fmt.Errorf("object key may hold only a-z, 0-9 and '_', got %q", b)
		}
		c.i++
	}
	if n := c.i - start; n == 0 || n > 64 {
		return errors.New("object key must be 1 to 64 characters")
	}
	return c.expect('"')
}

func (c *canonScanner) array(depth int) error {
	c.i++ // '['
	if b, err := c.peek(); err == nil && b == ']' {
		c.i++
		return nil
	}
	for {
		if err := c.value(depth); err != nil {
			return err
		}
		b, err := c.peek()
		if err != nil {
			return err
		}
		c.i++
		switch b {
		case ',':
		case ']':
			return nil
		default:
			return fmt.Errorf("want ',' or ']', got %q", b)
		}
	}
}

func (c *canonScanner) str() error {
	c.i++ // '"'
	for c.i < len(c.p) {
		b := c.p[c.i]
		switch {
		case b == '"':
			c.i++
			return nil
		case b < 0x20:
			return errors.New("control character in string")
		case b != '\\':
			c.i++
			continue
		}
		if c.i+1 >= len(c.p) {
			return errEnd
		}
		switch c.p[c.i+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			c.i += 2
		case 'u':
			r, err := c.hex4(c.i + 2)
			if err != nil {
				return err
			}
			c.i += 6
			switch {
			case 0xDC00 <= r && r <= 0xDFFF:
				return errors.New("lone low surrogate escape")
			case 0xD800 <= r && r <= 0xDBFF:
				// A high surrogate must pair with a low one, or parsers
				// disagree on what replaces it.
				if c.i+1 >= len(c.p) || c.p[c.i] != '\\' || c.p[c.i+1] != 'u' {
					return errors.New("lone high surrogate escape")
				}
				lo, err := c.hex4(c.i + 2)
				if err != nil {
					return err
				}
				if lo < 0xDC00 || lo > 0xDFFF {
					return errors.New("lone high surrogate escape")
				}
				c.i += 6
			}
		default:
			return fmt.Errorf("bad escape \\%c", c.p[c.i+1])
		}
	}
	return errEnd
}

func (c *canonScanner) hex4(at int) (rune, error) {
	if at+4 > len(c.p) {
		return 0, errEnd
	}
	v, err := strconv.ParseUint(string(c.p[at:at+4]), 16, 16)
	if err != nil {
		return 0, errors.New("bad \\u escape")
	}
	return rune(v), nil
}

// number reads an integer in canonical form that fits an int64.
func (c *canonScanner) number() error {
	start := c.i
	if c.p[c.i] == '-' {
		c.i++
	}
	digits := c.i
	for c.i < len(c.p) && '0' <= c.p[c.i] && c.p[c.i] <= '9' {
		c.i++
	}
	lit := string(c.p[start:c.i])
	switch {
	case c.i == digits:
		return errors.New("number without digits")
	case c.p[digits] == '0' && c.i-digits > 1:
		return fmt.Errorf("number %s has a leading zero", lit)
	case lit == "-0":
		return errors.New("number -0")
	}
	if c.i < len(c.p) && (c.p[c.i] == '.' || c.p[c.i] == 'e' || c.p[c.i] == 'E') {
		return fmt.Errorf("number %s…: only whole numbers without exponent are allowed", lit)
	}
	if _, err := strconv.ParseInt(lit, 10, 64); err != nil {
		return fmt.Errorf("number %s does not fit in 64 bits", lit)
	}
	return nil
}
