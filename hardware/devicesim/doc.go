// Package devicesim owns Till's simulated peripherals: devices that speak
// the same bytes as the real ones, shared by unit tests, integration tests
// and the demo (cmd/devicesim). Today it holds the ESC/POS receipt printer:
// a byte decoder written independently of hardware/escpos (so it catches the
// encoder's mistakes instead of sharing them), a TCP port 9100 server that
// answers DLE EOT status queries from a controllable fault state, and a
// virtual receipt roll saved as text and PNG.
package devicesim
