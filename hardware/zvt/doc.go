// Package zvt drives card payment terminals over ZVT, the German ECR
// interface (PA00P015 "ZVT-Protokoll / ECR-Interface" of the terminal
// manufacturers, published at terminalhersteller.de), over TCP (port 20007)
// or a serial line with DLE STX ... DLE ETX + CRC framing.
//
// It owns the bytes: APDU encoding (apdu.go), the BMP and TLV fields
// (bmp.go, tlv.go), the serial framing (serial.go) and the command flow
// (terminal.go). Terminal implements register.PaymentTerminal; nothing
// ZVT-specific leaves this package. Values come from the specification
// (chapter and table named at each constant) and were cross-checked against
// open-source implementations: Wireshark's packet-zvt.c, python ecrterm
// (wirelane/ecrterm: bitmaps.py, transport_serial.py, crc.py).
//
// Raw traffic is never logged: terminal messages may carry track data.
package zvt
