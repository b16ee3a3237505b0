package zvt

import "fmt"

// intermediateTexts are the cashier texts of Intermediate Status 04 FF
// (PA00P015 ch. 10 "Intermediate status": status byte -> display text).
var intermediateTexts = map[byte]string{
	0x00: "Waiting for amount confirmation",
	0x01: "Please watch the PIN pad",
	0x02: "Please watch the PIN pad",
	0x03: "Not accepted",
	0x04: "Waiting for the card issuer",
	0x05: "Sending auto-reversal",
	0x06: "Sending post-bookings",
	0x07: "Card not admitted",
	0x08: "Card unknown / undefined",
	0x09: "Expired card",
	0x0A: "Insert card",
	0x0B: "Please remove card",
	0x0C: "Card not readable",
	0x0D: "Processing error",
	0x0E: "Please wait...",
	0x0F: "Terminal runs an automatic end of day",
	0x10: "Invalid card",
	0x14: "Credit not sufficient",
	0x15: "Incorrect PIN",
	0x17: "Please wait...",
	0x18: "PIN try limit exceeded",
	0x1C: "Approved, please take goods",
	0x1D: "Declined",
	0x5E: "Contactless: card read",
}

// IntermediateText is the cashier text for an intermediate status byte.
func IntermediateText(status byte) string {
	if s, ok := intermediateTexts[status]; ok {
		return s
	}
	return "Please wait..."
}

// resultTexts explain result codes (BMP 27, 06 1E; PA00P015 ch. 10 "Error
// messages"). Codes 01-63 come from the card issuer's host.
var resultTexts = map[byte]string{
	0x00: "Approved",
	0x05: "Card declined by the issuer",
	0x64: "Card not readable",
	0x65: "Card data not present",
	0x66: "Processing error",
	0x67: "Function not permitted for this card",
	0x68: "Function not permitted for credit cards",
	0x6A: "Turnover file full",
	0x6B: "Function deactivated",
	0x6C: "Payment cancelled (abort or timeout)",
	0x6E: "Card in blocked list",
	0x6F: "Wrong currency",
	0x71: "Credit not sufficient",
	0x72: "Chip error",
	0x73: "Card data incorrect",
	0x77: "End of day not possible",
	0x78: "Card expired",
	0x79: "Card not yet valid",
	0x7A: "Card unknown",
	0x7D: "Communication error",
	0x83: "Function not possible",
	0x9A: "ZVT protocol error",
	0x9B: "Error from dial-up/communication",
	0x9C: "Please wait: the terminal is busy",
	0xA0: "Receiver not ready",
	0xA1: "Remote station does not respond",
	0xA3: "No connection",
	0xB4: "Already reversed",
	0xB5: "Reversal not possible",
	0xC3: "Maximum amount exceeded",
	0xCC: "Terminal printer not ready",
	0xE4: "Terminal needs activation",
	0xFF: "System error",
}

// ResultText is the cashier sentence for a result code.
func ResultText(code byte) string {
	if s, ok := resultTexts[code]; ok {
		return s
	}
	if code >= 0x01 && code <= 0x63 {
		return "Declined by the card issuer"
	}
	return fmt.Sprintf("Terminal error %02X", code)
}
