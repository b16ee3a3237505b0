package zvt

import (
	"errors"
	"fmt"
	"io"
)

// APDU is one ZVT message: class, instruction and data. On the wire the
// length follows the instruction: one byte up to 254, else 0xFF and two
// bytes, low byte first (PA00P015 ch. 2.1 "APDU"; Wireshark packet-zvt.c
// reads it with tvb_get_letohs).
type APDU struct {
	Class, Instr byte
	Data         []byte
}

// Commands and answers used here (PA00P015 ch. 2 and 3).
var (
	cmdRegistration  = [2]byte{0x06, 0x00} // ECR -> PT
	cmdAuthorisation = [2]byte{0x06, 0x01}
	cmdRepeatReceipt = [2]byte{0x06, 0x20}
	cmdReversal      = [2]byte{0x06, 0x30}
	cmdRefund        = [2]byte{0x06, 0x31}
	cmdEndOfDay      = [2]byte{0x06, 0x50}
	cmdAbort         = [2]byte{0x06, 0xB0}
	msgStatusInfo    = [2]byte{0x04, 0x0F} // PT -> ECR
	msgIntermediate  = [2]byte{0x04, 0xFF}
	msgPrintLine     = [2]byte{0x06, 0xD1}
	msgTextBlock     = [2]byte{0x06, 0xD3}
	msgCompletion    = [2]byte{0x06, 0x0F}
	msgAbort         = [2]byte{0x06, 0x1E}
)

// classAck and classNak are the answers to every APDU: 80 00 00 is "received
// and accepted", 84 xx 00 "refused" with xx an error code (PA00P015 ch. 2.2).
const (
	classAck = 0x80
	classNak = 0x84
)

// MaxData is the largest APDU data the extended length can carry.
const MaxData = 0xFFFF

var (
	errTooLong  = errors.New("zvt: APDU data longer than 65535 bytes")
	errTruncate = errors.New("zvt: APDU truncated")
)

func (a APDU) cmd() [2]byte { return [2]byte{a.Class, a.Instr} }

func (a APDU) isAck() bool { return a.Class == classAck && a.Instr == 0 }

func (a APDU) isNak() bool { return a.Class == classNak }

// ack is the positive answer to a terminal's message.
var ack = APDU{Class: classAck, Instr: 0x00}

// Marshal encodes the APDU; data longer than MaxData is an error.
func (a APDU) Marshal() ([]byte, error) {
	n := len(a.Data)
	if n > MaxData {
		return nil, errTooLong
	}
	b := make([]byte, 0, n+5)
	b = append(b, a.Class, a.Instr)
	if n < 0xFF {
		b = append(b, byte(n))
	} else {
		b = append(b, 0xFF, byte(n), byte(n>>8))
	}
	return append(b, a.Data...), nil
}

// ParseAPDU decodes one APDU from the start of b and returns how many bytes
// it used.
func ParseAPDU(b []byte) (APDU, int, error) {
	if len(b) < 3 {
		return APDU{}, 0, errTruncate
	}
	n, hdr := int(b[2]), 3
	if b[2] == 0xFF {
		if len(b) < 5 {
			return APDU{}, 0, errTruncate
		}
		n, hdr = int(b[3])|int(b[4])<<8, 5
	}
	if len(b) < hdr+n {
		return APDU{}, 0, errTruncate
	}
	return APDU{Class: b[0], Instr: b[1], Data: append([]byte(nil), b[hdr:hdr+n]...)}, hdr + n, nil
}

// ReadAPDU reads one APDU from a stream (the TCP transport has no framing
// beyond the length).
func ReadAPDU(r io.Reader) (APDU, error) {
	var h [3]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return APDU{}, err
	}
	n := int(h[2])
	if h[2] == 0xFF {
		var l [2]byte
		if _, err := io.ReadFull(r, l[:]); err != nil {
			return APDU{}, unexpected(err)
		}
		n = int(l[0]) | int(l[1])<<8
	}
	a := APDU{Class: h[0], Instr: h[1], Data: make([]byte, n)}
	if _, err := io.ReadFull(r, a.Data); err != nil {
		return APDU{}, unexpected(err)
	}
	return a, nil
}

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// String names the APDU for logs: class and instruction only, never data.
func (a APDU) String() string {
	return fmt.Sprintf("%02X %02X (%d bytes)", a.Class, a.Instr, len(a.Data))
}
