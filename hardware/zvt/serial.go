package zvt

import (
	"errors"
	"io"
)

// The serial transport (PA00P015 ch. 2.3 "Transport protocol, serial"):
// each APDU travels as DLE STX, the APDU with every DLE doubled, DLE ETX and
// a CRC-CCITT (low byte first); the receiver answers one byte, ACK (06) or
// NAK (15), and a NAKed frame is sent again, up to three times. The layout
// matches ecrterm's transmission/transport_serial.py.
const (
	stx  = 0x02
	etx  = 0x03
	dle  = 0x10
	tACK = 0x06
	tNAK = 0x15
)

// maxFrame bounds a frame's payload: an extended-length APDU plus header.
const maxFrame = MaxData + 5

// crcCCITT is the CRC of ZVT's serial layer: CRC-CCITT with the reflected
// polynomial 0x8408, initial value 0 (also called CRC-16/KERMIT), over the
// unstuffed APDU and the ETX (ecrterm crc.py: crc_xmodem16 over apdu+[ETX]).
func crcCCITT(b []byte) uint16 {
	var crc uint16
	for _, c := range b {
		crc ^= uint16(c)
		for range 8 {
			if crc&1 != 0 {
				crc = crc>>1 ^ 0x8408
			} else {
				crc >>= 1
			}
		}
	}
	return crc
}

// Frame wraps an encoded APDU for the serial line.
func Frame(apdu []byte) []byte {
	b := make([]byte, 0, len(apdu)+8)
	b = append(b, dle, stx)
	for _, c := range apdu {
		b = append(b, c)
		if c == dle {
			b = append(b, dle)
		}
	}
	b = append(b, dle, etx)
	crc := crcCCITT(append(append([]byte(nil), apdu...), etx))
	return append(b, byte(crc), byte(crc>>8))
}

// serialEvent is what arrives on a serial line: a one-byte ACK or NAK, or a
// frame whose CRC did or did not match.
type serialEvent struct {
	kind    byte // tACK, tNAK or stx
	payload []byte
	crcOK   bool
}

var errFrame = errors.New("zvt: malformed serial frame")

// readSerial reads the next event, skipping line noise between frames.
func readSerial(r io.ByteReader) (serialEvent, error) {
	for {
		c, err := r.ReadByte()
		if err != nil {
			return serialEvent{}, err
		}
		switch c {
		case tACK, tNAK:
			return serialEvent{kind: c}, nil
		case dle:
			c, err = r.ReadByte()
			if err != nil {
				return serialEvent{}, unexpected(err)
			}
			if c == stx {
				return readFrameBody(r)
			}
		}
	}
}

func readFrameBody(r io.ByteReader) (serialEvent, error) {
	var p []byte
	for {
		c, err := r.ReadByte()
		if err != nil {
			return serialEvent{}, unexpected(err)
		}
		if c == dle {
			if c, err = r.ReadByte(); err != nil {
				return serialEvent{}, unexpected(err)
			}
			switch c {
			case dle: // a stuffed DLE
			case etx:
				var crc [2]byte
				for i := range crc {
					if crc[i], err = r.ReadByte(); err != nil {
						return serialEvent{}, unexpected(err)
					}
				}
				want := crcCCITT(append(append([]byte(nil), p...), etx))
				return serialEvent{kind: stx, payload: p, crcOK: uint16(crc[0])|uint16(crc[1])<<8 == want}, nil
			default:
				return serialEvent{}, errFrame
			}
		}
		if len(p) >= maxFrame {
			return serialEvent{}, errFrame
		}
		p = append(p, c)
	}
}
