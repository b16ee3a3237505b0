package pos

// ValidPIN reports whether pin is an employee PIN: 4 to 6 digits. The
// register, its catalog file and the head office all hold PINs to this rule.
func ValidPIN(pin string) bool {
	if len(pin) < 4 || len(pin) > 6 {
		return false
	}
	for _, c := range pin {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
