package devices

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestUdevRulesCoverKnownDevices checks the shipped rules give the till
// group the printers and scanners discovery knows, and keep ModemManager
// off ttyACM devices.
func TestUdevRulesCoverKnownDevices(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../packaging/linux/60-till-devices.rules")
	if err != nil {
		t.Fatal(err)
	}
	rules := string(b)
	for _, vid := range []string{"04b8", "0519", "1d90", "1504", "0c2e", "05e0", "05f9"} {
		re := regexp.MustCompile(`(?m)^SUBSYSTEM=="usb", ENV\{DEVTYPE\}=="usb_device", ATTR\{idVendor\}=="` + vid + `", GROUP="till", MODE="0660"$`)
		if !re.MatchString(rules) {
			t.Errorf("no usb_device rule for vendor %s", vid)
		}
		if printerVendors[vid] == "" && scannerVendors[vid] == "" {
			t.Errorf("vendor %s in the rules is unknown to discovery", vid)
		}
	}
	if !strings.Contains(rules, `KERNEL=="ttyACM[0-9]*", ENV{ID_MM_DEVICE_IGNORE}="1"`) {
		t.Error("ttyACM devices are not hidden from ModemManager")
	}
	for i, line := range strings.Split(rules, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.Count(line, `"`)%2 != 0 || strings.Contains(line, "MODE=\"0666\"") {
			t.Errorf("line %d: %s", i+1, line)
		}
	}
}
