package devicesim

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The ZVT card terminal simulator speaks the terminal's side of ZVT over
// TCP. Its byte handling is written apart from hardware/zvt on purpose, so a
// mistake in the driver's encoder or parser shows up as a failed exchange
// instead of being shared by both ends. Layouts: PA00P015 (see hardware/zvt).

// DefaultZVTAddr is where a ZVT terminal listens (port 20007).
const DefaultZVTAddr = "127.0.0.1:20007"

// ZVTMode is how the simulated terminal answers the next requests.
type ZVTMode int

const (
	ZVTApprove     ZVTMode = iota // every payment approved
	ZVTDecline                    // declined by the issuer (result code 05)
	ZVTSlow                       // slow PIN entry: intermediate statuses for SlowFor, then approved
	ZVTDropApprove                // acknowledges, approves internally, drops the connection
	ZVTDropDecline                // acknowledges, declines internally, drops the connection
	ZVTSilent                     // takes the request and never answers (registration still works)
)

var zvtModeNames = map[ZVTMode]string{ZVTApprove: "approve", ZVTDecline: "decline", ZVTSlow: "slow",
	ZVTDropApprove: "drop-approve", ZVTDropDecline: "drop-decline", ZVTSilent: "silent"}

func (m ZVTMode) String() string { return zvtModeNames[m] }

// ParseZVTMode reads a mode name (approve, decline, slow, drop-approve,
// drop-decline, silent).
func ParseZVTMode(s string) (ZVTMode, bool) {
	for m, n := range zvtModeNames {
		if n == s {
			return m, true
		}
	}
	return 0, false
}

// TestPAN is the simulated card's number (a Luhn-valid test card that no
// issuer uses). The terminal only ever sends it masked, unless LeakPAN.
const TestPAN = "4111111111111111"

// ZVTTransaction is a transaction the simulated terminal booked.
type ZVTTransaction struct {
	Kind     string // "payment", "refund", "reversal"
	Amount   int64
	Approved bool
	Result   byte // result code, 0 = approved
	Trace    int
	Receipt  int
	Reversed bool
	At       time.Time
}

// ZVTSim is a simulated ZVT terminal. Set the exported fields before Run.
type ZVTSim struct {
	TerminalID string        // 8 digits (default 52500038)
	Password   string        // 6 digits the ECR must send (default 000000)
	SlowFor    time.Duration // slow mode: time spent "waiting for the PIN" (default 3 s)
	SlowStep   time.Duration // slow mode: between intermediate statuses (default 500 ms)
	AckWait    time.Duration // wait for the ECR's 80 00 00 (default 5 s)
	// LeakPAN makes a misbehaving terminal: the full PAN in BMP 22 and on
	// the receipt text. The register must never store or log it.
	LeakPAN bool
	Log     *slog.Logger

	mu       sync.Mutex
	mode     ZVTMode
	trace    int
	receipt  int
	history  []ZVTTransaction
	auths    int      // 06 01 requests received
	requests []string // every command received, "06 01" ...
	batch    int64    // net total since the last end of day

	tcpSim                // Listen, Addr, Close
	wg     sync.WaitGroup // one per client being served
}

// NewZVTSim returns a terminal in approve mode.
func NewZVTSim() *ZVTSim {
	return &ZVTSim{TerminalID: "52500038", Password: "000000", SlowFor: 3 * time.Second, SlowStep: 500 * time.Millisecond,
		AckWait: 5 * time.Second, tcpSim: newTCPSim("zvt", DefaultZVTAddr), trace: 41, receipt: 41}
}

// Run serves connections until ctx ends or Close is called.
func (s *ZVTSim) Run(ctx context.Context) error {
	ln, done, err := s.start(ctx)
	if err != nil {
		return err
	}
	defer done()
	for {
		c, err := ln.Accept()
		if err != nil {
			// Whatever failed the accept, the terminal stops: hang up the
			// clients and wait for them.
			s.shutdown()
			s.wg.Wait()
			return nil
		}
		if !s.track(c) {
			continue
		}
		s.wg.Go(func() {
			s.serve(c)
			s.untrack(c)
			c.Close()
		})
	}
}

// SetMode sets how the next requests are answered.
func (s *ZVTSim) SetMode(m ZVTMode) {
	s.mu.Lock()
	s.mode = m
	s.mu.Unlock()
}

// Authorisations counts the 06 01 (payment) requests received.
func (s *ZVTSim) Authorisations() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.auths
}

// Requests lists every command received, as "06 01".
func (s *ZVTSim) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

// History lists the transactions booked, oldest first.
func (s *ZVTSim) History() []ZVTTransaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ZVTTransaction(nil), s.history...)
}

// Status is one line for cmd/devicesim.
func (s *ZVTSim) Status() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprintf("zvt: %s, %d payment requests, %d transactions", s.mode, s.auths, len(s.history))
}

func (s *ZVTSim) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// book records a transaction and returns it.
func (s *ZVTSim) book(kind string, amount int64, result byte) ZVTTransaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.trace++
	t := ZVTTransaction{Kind: kind, Amount: amount, Result: result, Approved: result == 0, Trace: s.trace, At: time.Now()}
	if t.Approved {
		s.receipt++
		t.Receipt = s.receipt
		switch kind {
		case "payment":
			s.batch += amount
		case "refund":
			s.batch -= amount
		}
	}
	s.history = append(s.history, t)
	s.log().Info("zvt transaction", "kind", kind, "amount", amount, "approved", t.Approved, "trace", t.Trace)
	return t
}

// --- the terminal's side of one connection ---

type zvtMsg struct {
	class, instr byte
	data         []byte
}

func (m zvtMsg) is(c, i byte) bool { return m.class == c && m.instr == i }

type zvtConn struct {
	s    *ZVTSim
	c    net.Conn
	in   chan zvtMsg
	done chan struct{}
	// abort is set when the ECR's 06 B0 arrives while we wait for acks.
	abort bool
}

func readZVTMsg(r *bufio.Reader) (zvtMsg, error) {
	var h [3]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return zvtMsg{}, err
	}
	n := int(h[2])
	if n == 0xFF { // extended length, low byte first
		var l [2]byte
		if _, err := io.ReadFull(r, l[:]); err != nil {
			return zvtMsg{}, err
		}
		n = int(l[0]) + 256*int(l[1])
	}
	m := zvtMsg{class: h[0], instr: h[1], data: make([]byte, n)}
	_, err := io.ReadFull(r, m.data)
	return m, err
}

func (s *ZVTSim) serve(c net.Conn) {
	z := &zvtConn{s: s, c: c, in: make(chan zvtMsg, 16), done: make(chan struct{})}
	quit := make(chan struct{})
	defer close(quit)
	go func() {
		defer close(z.done)
		r := bufio.NewReader(c)
		for {
			m, err := readZVTMsg(r)
			if err != nil {
				return
			}
			select {
			case z.in <- m:
			case <-quit:
				return
			}
		}
	}()
	for {
		var m zvtMsg
		select {
		case m = <-z.in:
		case <-z.done:
			return
		}
		if m.class == 0x80 || m.class == 0x84 {
			continue // a stray acknowledgement
		}
		s.mu.Lock()
		s.requests = append(s.requests, fmt.Sprintf("%02X %02X", m.class, m.instr))
		mode := s.mode
		if m.is(0x06, 0x01) {
			s.auths++
		}
		s.mu.Unlock()
		if !z.handle(m, mode) {
			return
		}
	}
}

func (z *zvtConn) write(class, instr byte, data []byte) bool {
	b := []byte{class, instr}
	if len(data) < 0xFF {
		b = append(b, byte(len(data)))
	} else {
		b = append(b, 0xFF, byte(len(data)%256), byte(len(data)/256))
	}
	_, err := z.c.Write(append(b, data...))
	return err == nil
}

func (z *zvtConn) ack() bool { return z.write(0x80, 0x00, nil) }

// send writes a message and waits for the ECR's 80 00 00; an abort (06 B0)
// arriving meanwhile is acknowledged and remembered.
func (z *zvtConn) send(class, instr byte, data []byte) bool {
	if !z.write(class, instr, data) {
		return false
	}
	t := time.NewTimer(z.s.AckWait)
	defer t.Stop()
	for {
		select {
		case m := <-z.in:
			switch {
			case m.class == 0x80:
				return true
			case m.is(0x06, 0xB0):
				z.abort = true
				z.ack()
			default:
				return false // the ECR broke the protocol: give up the connection
			}
		case <-t.C:
			return false
		case <-z.done:
			return false
		}
	}
}

// pause waits d, noticing an abort; false when the connection is gone.
func (z *zvtConn) pause(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case m := <-z.in:
			if m.is(0x06, 0xB0) {
				z.abort = true
				z.ack()
			}
		case <-t.C:
			return true
		case <-z.done:
			return false
		}
	}
}

func bcdBytes(n int64, size int) []byte {
	b := make([]byte, size)
	for i := size - 1; i >= 0; i-- {
		b[i] = byte((n/10%10)<<4 | n%10)
		n /= 100
	}
	return b
}

// amountOf finds BMP 04 (6 bytes BCD) in a request's data after skip bytes.
func amountOf(data []byte, skip int) (int64, bool) {
	if len(data) < skip+7 || data[skip] != 0x04 {
		return 0, false
	}
	s := fmt.Sprintf("%X", data[skip+1:skip+7])
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil
}

func (z *zvtConn) passwordOK(data []byte) bool {
	return len(data) >= 3 && fmt.Sprintf("%X", data[:3]) == z.s.Password
}

// handle answers one ECR command; false ends the connection.
func (z *zvtConn) handle(m zvtMsg, mode ZVTMode) bool {
	s := z.s
	switch {
	case m.is(0x06, 0x00): // registration: password, config byte, currency
		if !z.passwordOK(m.data) || len(m.data) < 4 {
			return z.write(0x84, 0x9A, nil) // protocol error
		}
		z.ack()
		tid := bcdBytes(mustAtoi(s.TerminalID), 4)
		return z.send(0x06, 0x0F, append(append([]byte{0x19, 0x00, 0x29}, tid...), 0x49, 0x09, 0x78))
	case m.is(0x06, 0x01): // authorisation: 04 amount [49 currency]
		amount, ok := amountOf(m.data, 0)
		if !ok {
			return z.write(0x84, 0x9A, nil)
		}
		return z.transaction("payment", amount, mode)
	case m.is(0x06, 0x31): // refund: password, 04 amount
		amount, ok := amountOf(m.data, 3)
		if !z.passwordOK(m.data) || !ok {
			return z.write(0x84, 0x9A, nil)
		}
		return z.transaction("refund", amount, mode)
	case m.is(0x06, 0x30): // reversal: password, 87 receipt number
		if !z.passwordOK(m.data) || len(m.data) < 6 || m.data[3] != 0x87 {
			return z.write(0x84, 0x9A, nil)
		}
		return z.reversal(int(mustAtoi(fmt.Sprintf("%X", m.data[4:6]))))
	case m.is(0x06, 0x20): // repeat last receipt
		if mode == ZVTSilent {
			return true // hung: never answers
		}
		if !z.passwordOK(m.data) {
			return z.write(0x84, 0x9A, nil)
		}
		return z.repeat()
	case m.is(0x06, 0x50): // end of day
		if !z.passwordOK(m.data) {
			return z.write(0x84, 0x9A, nil)
		}
		return z.endOfDay()
	case m.is(0x06, 0xB0): // abort with nothing running
		return z.ack()
	}
	return z.write(0x84, 0x83, nil) // function not possible
}

func mustAtoi(s string) int64 {
	v, _ := strconv.ParseInt(s, 10, 64)
	return v
}

func (z *zvtConn) transaction(kind string, amount int64, mode ZVTMode) bool {
	if mode == ZVTSilent {
		return true // took the request, never answers
	}
	if !z.ack() {
		return false
	}
	switch mode {
	case ZVTDropApprove, ZVTDropDecline:
		var rc byte
		if mode == ZVTDropDecline {
			rc = 0x05
		}
		z.s.book(kind, amount, rc)
		return false // the link drops before any answer
	}
	// 04 FF: intermediate status, timeout byte 0 (PA00P015 ch. 3.7).
	if !z.send(0x04, 0xFF, []byte{0x0A, 0x00}) { // insert card
		return false
	}
	if mode == ZVTSlow {
		for end := time.Now().Add(z.s.SlowFor); time.Now().Before(end) && !z.abort; {
			if !z.pause(z.s.SlowStep) || !z.send(0x04, 0xFF, []byte{0x01, 0x00}) { // watch the PIN pad
				return false
			}
		}
	} else if !z.send(0x04, 0xFF, []byte{0x01, 0x00}) {
		return false
	}
	if z.abort {
		t := z.s.book(kind, amount, 0x6C)
		z.s.log().Info("zvt aborted by the ECR", "trace", t.Trace)
		return z.send(0x06, 0x1E, []byte{0x6C})
	}
	rc := byte(0)
	if mode == ZVTDecline {
		rc = 0x05
	}
	t := z.s.book(kind, amount, rc)
	if !z.send(0x04, 0x0F, z.statusInfo(t)) {
		return false
	}
	if !t.Approved {
		return z.send(0x06, 0x1E, []byte{rc})
	}
	for _, l := range z.receiptLines(t, false) {
		if !z.send(0x06, 0xD1, append([]byte{0x00}, l...)) {
			return false
		}
	}
	return z.send(0x06, 0x0F, nil)
}

func (z *zvtConn) reversal(receipt int) bool {
	if !z.ack() {
		return false
	}
	s := z.s
	s.mu.Lock()
	var orig *ZVTTransaction
	for i := range s.history {
		if h := &s.history[i]; h.Receipt == receipt && h.Approved && h.Kind == "payment" {
			orig = h
		}
	}
	var amount int64
	already := orig != nil && orig.Reversed
	if orig != nil && !already {
		orig.Reversed = true
		amount = orig.Amount
		s.batch -= amount
	}
	s.mu.Unlock()
	switch {
	case already:
		return z.send(0x06, 0x1E, []byte{0xB4}) // already reversed
	case orig == nil:
		return z.send(0x06, 0x1E, []byte{0xB5}) // reversal not possible
	}
	t := s.book("reversal", amount, 0)
	if !z.send(0x04, 0x0F, z.statusInfo(t)) {
		return false
	}
	return z.send(0x06, 0x0F, nil)
}

func (z *zvtConn) repeat() bool {
	if !z.ack() {
		return false
	}
	s := z.s
	s.mu.Lock()
	var last *ZVTTransaction
	if n := len(s.history); n > 0 {
		t := s.history[n-1]
		last = &t
	}
	s.mu.Unlock()
	if last == nil {
		return z.send(0x06, 0x1E, []byte{0x83})
	}
	if !z.send(0x04, 0x0F, z.statusInfo(*last)) {
		return false
	}
	for _, l := range z.receiptLines(*last, true) {
		if !z.send(0x06, 0xD1, append([]byte{0x00}, l...)) {
			return false
		}
	}
	return z.send(0x06, 0x0F, nil)
}

func (z *zvtConn) endOfDay() bool {
	if !z.ack() {
		return false
	}
	s := z.s
	s.mu.Lock()
	total := s.batch
	s.batch = 0
	s.trace++
	trace := s.trace
	s.mu.Unlock()
	if total < 0 {
		total = 0
	}
	si := []byte{0x27, 0x00, 0x04}
	si = append(si, bcdBytes(total, 6)...)
	si = append(si, 0x0B)
	si = append(si, bcdBytes(int64(trace), 3)...)
	if !z.send(0x04, 0x0F, si) {
		return false
	}
	// The report comes as a text block: 06 D3 with TLV 06 { 25 { 07 line ... } }.
	var lines []byte
	for _, l := range []string{"KASSENSCHNITT", "Terminal-ID " + s.TerminalID, fmt.Sprintf("Summe EUR %d,%02d", total/100, total%100), "Abschluss erfolgreich"} {
		lines = append(lines, 0x07, byte(len(l)))
		lines = append(lines, l...)
	}
	block := append([]byte{0x25, byte(len(lines))}, lines...)
	if !z.send(0x06, 0xD3, append([]byte{0x06, byte(len(block))}, block...)) {
		return false
	}
	return z.send(0x06, 0x0F, nil)
}

// statusInfo builds a 04 0F for t, with BMPs a real terminal sends
// (including expiry and VU number, which the ECR must skip correctly).
func (z *zvtConn) statusInfo(t ZVTTransaction) []byte {
	b := []byte{0x27, t.Result, 0x04}
	b = append(b, bcdBytes(t.Amount, 6)...)
	b = append(b, 0x0B)
	b = append(b, bcdBytes(int64(t.Trace), 3)...)
	b = append(b, 0x0C)
	b = append(b, bcdBytes(int64(t.At.Hour()*10000+t.At.Minute()*100+t.At.Second()), 3)...)
	b = append(b, 0x0D)
	b = append(b, bcdBytes(int64(int(t.At.Month())*100+t.At.Day()), 2)...)
	b = append(b, 0x0E, 0x29, 0x12) // expiry YYMM
	b = append(b, 0x22, 0xF0, 0xF8) // LLVAR: 8 bytes of PAN
	if z.s.LeakPAN {
		b = append(b, 0x41, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11)
	} else {
		b = append(b, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0x11, 0x11)
	}
	b = append(b, 0x29)
	b = append(b, bcdBytes(mustAtoi(z.s.TerminalID), 4)...)
	b = append(b, 0x2A)
	b = append(b, fmt.Sprintf("%-15s", "4711")...)
	if t.Receipt > 0 {
		b = append(b, 0x87)
		b = append(b, bcdBytes(int64(t.Receipt), 2)...)
		b = append(b, 0x3B)
		b = append(b, fmt.Sprintf("%06d\x00\x00", 100000+t.Trace)...)
	}
	b = append(b, 0x49, 0x09, 0x78, 0x8A, 0x0A, 0x8B, 0xF0, 0xF4)
	return append(b, "VISA"...)
}

func (z *zvtConn) receiptLines(t ZVTTransaction, copy bool) [][]byte {
	card := "Karte ************1111"
	if z.s.LeakPAN {
		card = "Karte " + TestPAN
	}
	var ls []string
	if copy {
		ls = append(ls, "** KOPIE **")
	}
	ls = append(ls, "KUNDENBELEG", "Kartenzahlung VISA", card,
		fmt.Sprintf("Betrag EUR %d,%02d", t.Amount/100, t.Amount%100),
		"Terminal-ID "+z.s.TerminalID,
		fmt.Sprintf("Trace %06d Beleg %04d", t.Trace, t.Receipt),
		"Zahlung erfolgt")
	out := make([][]byte, len(ls))
	for i, l := range ls {
		out[i] = []byte(strings.TrimSpace(l))
	}
	return out
}
