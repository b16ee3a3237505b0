package barcode

import (
	"fmt"
	"slices"
	"strings"
)

// DigitalLink is a GS1 Digital Link URI, as printed in the 2D codes (QR,
// DataMatrix) that retail is moving to: https://id.gs1.org/01/<gtin>/10/<lot>?17=<yymmdd>,
// or the same path under a brand's own domain.
const DigitalLink Symbology = "GS1 Digital Link"

// MaxDigitalLinkLen bounds a Digital Link before it is read: a QR code of
// this kind holds a few hundred characters; a longer string is not a scan.
const MaxDigitalLinkLen = 1024

// maxDigitalLinkAIs bounds the elements one URI may carry.
const maxDigitalLinkAIs = 32

// uriChars are the characters a URI may hold (RFC 3986, % included); the
// GS1 Digital Link URI Syntax standard rejects anything else.
const uriChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%"

// badDomainChars may not appear in the host part.
const badDomainChars = "_~?#@!$&'()*+,;=%"

// dlQualifiers are the key qualifiers a primary key may carry in the path,
// in the only order the standard allows (any of them may be left out).
var dlQualifiers = map[string][]string{
	"01": {"22", "10", "21"}, // GTIN: consumer product variant, batch/lot, serial
	"00": nil,                // SSCC: a pallet or case on goods receipt
}

// dlShortNames are the alphabetic names Digital Link 1.0/1.1 allowed for
// path keys (deprecated since URI Syntax 1.2, still printed on older packs;
// GS1's reference parser accepts them behind an option), and "exp" for AI
// (17), seen in 1.0-era examples (the biip library's docs quote
// .../lot/ABC1/ser/12345?exp=180426). Accepting them costs nothing: no AI
// is alphabetic.
var dlShortNames = map[string]string{
	"gtin": "01", "cpv": "22", "lot": "10", "ser": "21", "sscc": "00", "exp": "17",
}

// IsDigitalLink reports whether s (symbology identifier already removed)
// looks like a URI a Digital Link parser should read.
func IsDigitalLink(s string) bool {
	return hasPrefixFold(s, "https://") || hasPrefixFold(s, "http://")
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// ParseDigitalLink reads a GS1 Digital Link URI: any http(s) domain and any
// path prefix, then the primary key (01 GTIN, or 00 SSCC) and its key
// qualifiers (22, 10, 21 in that order) as path segments, then data
// attributes (17 expiry, 15 best before, 3103 net weight, 3922 price ...)
// as query parameters. Values are percent-decoded; a GTIN-8, -12 or -13 is
// padded to 14 digits and its check digit verified. Unknown numeric AIs in
// the query are kept in Elements; other query parameters (linkType ...) and
// the fragment are ignored, as the standard says. Errors wrap ErrSyntax,
// ErrCheckDigit, ErrUnknownAI or ErrOutOfBounds.
func ParseDigitalLink(s string) (Code, error) {
	c := Code{Raw: s, Symbology: DigitalLink}
	if len(s) > MaxDigitalLinkLen {
		return c, fmt.Errorf("%w: %d characters is too long for a GS1 Digital Link", ErrSyntax, len(s))
	}
	s = strings.TrimSpace(s)
	c.Data = s
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(uriChars, s[i]) < 0 {
			return c, fmt.Errorf("%w: GS1 Digital Link has a character a URI cannot hold at %d", ErrSyntax, i)
		}
	}
	var rest string
	switch {
	case hasPrefixFold(s, "https://"):
		rest = s[len("https://"):]
	case hasPrefixFold(s, "http://"):
		rest = s[len("http://"):]
	default:
		return c, fmt.Errorf("%w: a GS1 Digital Link starts with http:// or https://", ErrSyntax)
	}
	slash := strings.IndexByte(rest, '/')
	if slash <= 0 {
		return c, fmt.Errorf("%w: GS1 Digital Link without a domain and path", ErrSyntax)
	}
	if strings.ContainsAny(rest[:slash], badDomainChars) {
		return c, fmt.Errorf("%w: GS1 Digital Link domain has an illegal character", ErrSyntax)
	}
	path := rest[slash:]
	if i := strings.IndexByte(path, '#'); i >= 0 {
		path = path[:i]
	}
	query := ""
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path, query = path[:i], path[i+1:]
	}
	els, err := dlPath(path)
	if err != nil {
		return c, err
	}
	els, err = dlQuery(query, els)
	if err != nil {
		return c, err
	}
	if err := applyElements(&c, els); err != nil {
		return c, err
	}
	return c, nil
}

// dlPath finds the primary key in the path, searching back from the end as
// the standard's reference parser does (a brand may put its own path before
// it), and reads the key and its qualifiers.
func dlPath(path string) ([]Element, error) {
	segs := strings.Split(path, "/")[1:] // path starts with "/"
	if len(segs) > 0 && segs[len(segs)-1] == "" {
		segs = segs[:len(segs)-1] // a trailing slash
	}
	start := -1
	for i := len(segs) - 2; i >= 0; i -= 2 {
		ai := dlAI(segs[i])
		if _, ok := dlQualifiers[ai]; ok {
			start = i
			break
		}
		if !isQualifier(ai) {
			break
		}
	}
	if start < 0 {
		return nil, fmt.Errorf("%w: no GS1 primary key (01 GTIN or 00 SSCC) in the path", ErrSyntax)
	}
	primary := dlAI(segs[start])
	allowed := dlQualifiers[primary]
	var out []Element
	next := 0 // index into allowed: qualifiers must come in the standard's order
	for i := start; i+1 < len(segs); i += 2 {
		ai := dlAI(segs[i])
		if i > start {
			j := next
			for j < len(allowed) && allowed[j] != ai {
				j++
			}
			if j == len(allowed) {
				return nil, fmt.Errorf("%w: (%s) may not follow (%s) in a GS1 Digital Link path", ErrSyntax, truncate(ai, 8), primary)
			}
			next = j + 1
		}
		v, err := percentDecode(segs[i+1], false)
		if err != nil {
			return nil, fmt.Errorf("AI (%s): %w", ai, err)
		}
		if ai == "01" && (len(v) == 8 || len(v) == 12 || len(v) == 13) && allDigits(v) {
			v = "000000"[:14-len(v)] + v // zero-suppressed GTIN, as brands print them
		}
		e, err := dlElement(ai, v)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

func isQualifier(ai string) bool {
	for _, qs := range dlQualifiers {
		if slices.Contains(qs, ai) {
			return true
		}
	}
	return false
}

// dlAI maps a path or query key to its AI: digits stay, a short name maps.
func dlAI(key string) string {
	if ai, ok := dlShortNames[key]; ok {
		return ai
	}
	return key
}

// dlQuery reads the data attributes. Qualifiers and keys already in the
// path, and any AI given twice, are refused: the standard allows each AI
// once and qualifiers only in the path.
func dlQuery(query string, els []Element) ([]Element, error) {
	primary := els[0].AI
	seen := map[string]bool{}
	for _, e := range els {
		seen[e.AI] = true
	}
	for _, param := range strings.Split(query, "&") {
		if param == "" {
			continue
		}
		key, val, _ := strings.Cut(param, "=")
		ai := key
		if short, ok := dlShortNames[key]; ok {
			ai = short
		} else if !allDigits(key) {
			continue // linkType, context ...: for resolvers, not for the till
		}
		if slices.Contains(dlQualifiers[primary], ai) {
			return nil, fmt.Errorf("%w: AI (%s) belongs in the GS1 Digital Link path, not the query", ErrSyntax, truncate(ai, 8))
		}
		if seen[ai] {
			return nil, fmt.Errorf("%w: AI (%s) appears twice in the GS1 Digital Link", ErrSyntax, truncate(ai, 8))
		}
		if len(els) >= maxDigitalLinkAIs {
			return nil, fmt.Errorf("%w: more than %d AIs in the GS1 Digital Link", ErrOutOfBounds, maxDigitalLinkAIs)
		}
		v, err := percentDecode(val, true)
		if err != nil {
			return nil, fmt.Errorf("AI (%s): %w", truncate(ai, 8), err)
		}
		e, err := dlElement(ai, v)
		if err != nil {
			return nil, err
		}
		seen[ai] = true
		els = append(els, e)
	}
	return els, nil
}

// dlElement checks one decoded value against its AI's length and
// character set. An AI the table does not know is kept as it is (2 to 4
// digits, printable, up to 90 characters): a resolver or a later table may
// know it, and the till only needs the AIs it reads.
func dlElement(ai, v string) (Element, error) {
	if v == "" {
		return Element{}, fmt.Errorf("%w: AI (%s) has an empty value", ErrSyntax, truncate(ai, 8))
	}
	got, sp, ok := lookupAI(ai)
	if !ok || got != ai {
		if len(ai) < 2 || len(ai) > 4 || !allDigits(ai) {
			return Element{}, fmt.Errorf("%w (%s)", ErrUnknownAI, truncate(ai, 8))
		}
		sp = aiSpec{Max: 90}
	}
	if (sp.Fixed > 0 && len(v) != sp.Fixed) || (sp.Fixed == 0 && len(v) > sp.Max) {
		return Element{}, fmt.Errorf("%w: AI (%s) has a value of the wrong length", ErrSyntax, ai)
	}
	return checkElement(ai, sp, v)
}

// percentDecode reverses %XX escapes; in the query "+" is a space. A bad
// escape or a decoded control byte is refused rather than guessed at.
func percentDecode(s string, query bool) (string, error) {
	if strings.IndexByte(s, '%') < 0 && (!query || strings.IndexByte(s, '+') < 0) {
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '%':
			if i+2 >= len(s) {
				return "", fmt.Errorf("%w: a %% escape needs two hex digits", ErrSyntax)
			}
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if !ok1 || !ok2 {
				return "", fmt.Errorf("%w: a %% escape needs two hex digits", ErrSyntax)
			}
			b.WriteByte(hi<<4 | lo)
			i += 2
		case c == '+' && query:
			b.WriteByte(' ')
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
