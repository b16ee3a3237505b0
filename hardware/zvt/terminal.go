package zvt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

var (
	_ register.PaymentTerminal = (*Terminal)(nil)
	_ register.CardSettler     = (*Terminal)(nil)
)

// DefaultPort is the ZVT TCP port (PA00P015 ch. 2.4).
const DefaultPort = "20007"

// ConfigByte is the registration config byte sent by default (PA00P015
// ch. 2.1 "Registration", config-byte bits): 0x02 the ECR prints payment
// receipts, 0x04 the ECR prints administration receipts, 0x08 send
// intermediate status, 0x80 send receipts as print lines / text blocks.
const ConfigByte = 0x02 | 0x04 | 0x08 | 0x80

// Config says how to reach a terminal.
type Config struct {
	Addr string // TCP host[:port] (port 20007 if none)
	// Dial opens another transport instead of TCP, e.g. a serial port
	// (go.bug.st/serial) or a pty; Serial then selects the DLE/STX framing.
	Dial   func(ctx context.Context) (io.ReadWriteCloser, error)
	Serial bool

	Password   string // 6 digits, the terminal's ECR password (default 000000)
	Currency   int    // ISO 4217 numeric (default 978, EUR)
	ConfigByte byte   // registration config byte (default ConfigByte)

	DialTimeout time.Duration // default 5 s
	AckTimeout  time.Duration // the terminal's 80 00 00 to a command (default 5 s; T3 on serial)
	IdleTimeout time.Duration // longest silence inside a transaction (default 3 min: PIN entry)
	Log         *slog.Logger
}

// Terminal is a ZVT payment terminal. It runs one transaction at a time;
// Abort may be called while one runs.
type Terminal struct {
	cfg Config

	txMu sync.Mutex // one transaction at a time

	mu  sync.Mutex
	cur *link // the link of the running transaction, for Abort
}

// New returns a terminal; it connects lazily, once per transaction.
func New(cfg Config) *Terminal {
	if cfg.Password == "" {
		cfg.Password = "000000"
	}
	if cfg.Currency == 0 {
		cfg.Currency = 978
	}
	if cfg.ConfigByte == 0 {
		cfg.ConfigByte = ConfigByte
	}
	if cfg.DialTimeout == 0 {
		cfg.DialTimeout = 5 * time.Second
	}
	if cfg.AckTimeout == 0 {
		cfg.AckTimeout = 5 * time.Second
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = 3 * time.Minute
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Addr != "" {
		if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
			cfg.Addr = net.JoinHostPort(cfg.Addr, DefaultPort)
		}
	}
	return &Terminal{cfg: cfg}
}

// ErrNotReachable: the terminal could not be reached; nothing was sent.
var ErrNotReachable = pos.Errorf(pos.EUnavailable, "Card terminal not answering: check that it is on and connected, then try again.")

// result is what one command's exchange produced.
type result struct {
	completed bool // 06 0F
	aborted   bool // 06 1E
	abortCode byte
	status    []Fields // each 04 0F
	lines     []string // 06 D1 / 06 D3
	done      Fields   // BMPs of the completion
}

func (r result) last() (Fields, bool) {
	if len(r.status) == 0 {
		return Fields{}, false
	}
	return r.status[len(r.status)-1], true
}

func (t *Terminal) dial(ctx context.Context) (*link, error) {
	ctx, cancel := context.WithTimeout(ctx, t.cfg.DialTimeout)
	defer cancel()
	var rwc io.ReadWriteCloser
	var err error
	if t.cfg.Dial != nil {
		rwc, err = t.cfg.Dial(ctx)
	} else {
		var d net.Dialer
		rwc, err = d.DialContext(ctx, "tcp", t.cfg.Addr)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotReachable, err)
	}
	return newLink(rwc, t.cfg.Serial, t.cfg.AckTimeout), nil
}

func (t *Terminal) password() []byte {
	b, err := bcdDigitString(t.cfg.Password, 3)
	if err != nil {
		return bcd(0, 3)
	}
	return b
}

// Register logs the register on to the terminal (06 00): password, config
// byte, currency (PA00P015 ch. 2.1). Every transaction does it first.
func (t *Terminal) Register(ctx context.Context) error {
	t.txMu.Lock()
	defer t.txMu.Unlock()
	l, err := t.dial(ctx)
	if err != nil {
		return err
	}
	defer l.Close()
	return t.register(ctx, l)
}

func (t *Terminal) registration() APDU {
	data := append(t.password(), t.cfg.ConfigByte)
	data = append(data, bcd(uint64(t.cfg.Currency), 2)...)
	return APDU{Class: cmdRegistration[0], Instr: cmdRegistration[1], Data: data}
}

func (t *Terminal) register(ctx context.Context, l *link) error {
	res, err := t.exchange(ctx, l, t.registration(), nil)
	if err != nil {
		return err
	}
	if !res.completed {
		return pos.Errorf(pos.EUnavailable, "The card terminal refused the register: %s.", ResultText(res.abortCode))
	}
	return nil
}

// transact dials, registers and runs one command. moneyMoves marks commands
// after which a lost link leaves the outcome unknown.
func (t *Terminal) transact(ctx context.Context, name string, cmd APDU, prompt func(string), moneyMoves bool) (result, error) {
	t.txMu.Lock()
	defer t.txMu.Unlock()
	l, err := t.dial(ctx)
	if err != nil {
		return result{}, err
	}
	defer l.Close()
	// The money command has not been sent yet: a failed registration is
	// never an unknown outcome.
	if err := t.register(ctx, l); err != nil {
		t.cfg.Log.Warn("zvt registration", "err", err)
		var pe *pos.Error
		if errors.As(err, &pe) { // refused, with the terminal's reason
			return result{}, err
		}
		return result{}, fmt.Errorf("%w: %w", ErrNotReachable, err)
	}
	t.mu.Lock()
	t.cur = l
	t.mu.Unlock()
	defer func() {
		t.mu.Lock()
		t.cur = nil
		t.mu.Unlock()
	}()
	res, err := t.exchange(ctx, l, cmd, prompt)
	if err != nil {
		t.cfg.Log.Warn("zvt "+name, "err", err)
		if moneyMoves && errors.Is(err, errAfterSend) {
			return result{}, fmt.Errorf("zvt %s: %w: %w", name, register.ErrOutcomeUnknown, err)
		}
		return result{}, err
	}
	return res, nil
}

var (
	errAfterSend = errors.New("zvt: link lost after the request")
	errRefused   = errors.New("zvt: terminal refused the command")
)

// exchange sends cmd, waits for its 80 00 00, then answers (80 00 00) and
// collects the terminal's messages until Completion (06 0F) or Abort (06 1E)
// (PA00P015 ch. 2: the ECR/PT master-slave flow).
func (t *Terminal) exchange(ctx context.Context, l *link, cmd APDU, prompt func(string)) (result, error) {
	if prompt == nil {
		prompt = func(string) {}
	}
	var res result
	if err := l.send(cmd); err != nil {
		return res, fmt.Errorf("%w: send %s: %w", errAfterSend, cmd, err)
	}
	a, err := l.recv(ctx, t.cfg.AckTimeout)
	switch {
	case err != nil:
		return res, fmt.Errorf("%w: waiting for the acknowledgement: %w", errAfterSend, err)
	case a.isNak():
		return res, fmt.Errorf("%w: %w (%s)", pos.Errorf(pos.EUnavailable, "The card terminal refused: %s.", ResultText(a.Instr)), errRefused, a)
	case !a.isAck():
		return res, fmt.Errorf("%w: %s instead of an acknowledgement", errAfterSend, a)
	}
	for {
		a, err := l.recv(ctx, t.cfg.IdleTimeout)
		if err != nil {
			return res, fmt.Errorf("%w: %w", errAfterSend, err)
		}
		reply := ack
		switch a.cmd() {
		case msgIntermediate:
			prompt(intermediate(a.Data))
		case msgStatusInfo:
			f, err := ParseBMPs(a.Data)
			if err != nil {
				t.cfg.Log.Warn("zvt status information", "err", err) // the fields before the error still count
			}
			res.status = append(res.status, f)
		case msgPrintLine:
			if len(a.Data) > 0 {
				res.lines = append(res.lines, pos.MaskPANs(decodeText(a.Data[1:])))
			}
		case msgTextBlock:
			f, _ := ParseBMPs(a.Data)
			for _, s := range f.Lines {
				res.lines = append(res.lines, pos.MaskPANs(s))
			}
		case msgCompletion:
			res.done, _ = ParseBMPs(a.Data)
			res.completed = true
		case msgAbort:
			res.aborted = true
			if len(a.Data) > 0 {
				res.abortCode = a.Data[0]
			}
		default:
			if a.isAck() || a.isNak() {
				continue // the answer to our Abort (06 B0)
			}
			reply = APDU{Class: classNak, Instr: 0x83} // function not possible
		}
		if err := l.send(reply); err != nil && !res.completed && !res.aborted {
			return res, fmt.Errorf("%w: %w", errAfterSend, err)
		}
		if res.completed || res.aborted {
			return res, nil
		}
	}
}

// intermediate turns 04 FF data (status byte, optional timeout, optional
// TLV with display texts) into one line for the cashier.
func intermediate(d []byte) string {
	if len(d) == 0 {
		return IntermediateText(0x0E)
	}
	if len(d) > 2 {
		if f, err := ParseBMPs(d[2:]); err == nil && len(f.Lines) > 0 {
			return pos.MaskPANs(strings.Join(f.Lines, " "))
		}
	}
	return IntermediateText(d[0])
}

// cardResult maps an exchange to the register's CardResult.
func (t *Terminal) cardResult(res result, amount int64) register.CardResult {
	f, _ := res.last()
	out := register.CardResult{Amount: amount, MaskedPAN: f.PAN, Brand: f.CardName, AuthCode: f.AuthCode,
		Trace: f.Trace, ReceiptNo: f.ReceiptNo, TerminalID: f.TerminalID, ReceiptLines: res.lines}
	if out.TerminalID == "" {
		out.TerminalID = res.done.TerminalID
	}
	if f.HasAmount {
		out.Amount = f.Amount
	}
	code := byte(0)
	switch {
	case res.aborted:
		code = res.abortCode
	case f.HasResult:
		code = f.Result
	}
	out.Approved = res.completed && code == 0
	if !out.Approved && code == 0 {
		code = 0xFF
	}
	out.ResultCode = fmt.Sprintf("%02X", code)
	out.Message = ResultText(code)
	return out
}

func amountOK(amount int64) error {
	if amount <= 0 || amount > 999_999_999_999 {
		return pos.Errorf(pos.EInvalid, "The amount is out of the terminal's range.")
	}
	return nil
}

// Authorize runs a payment (06 01: amount BMP 04, currency BMP 49).
func (t *Terminal) Authorize(ctx context.Context, req register.CardRequest, prompt func(string)) (register.CardResult, error) {
	if err := amountOK(req.Amount); err != nil {
		return register.CardResult{}, err
	}
	data := append([]byte{0x04}, bcd(uint64(req.Amount), 6)...)
	data = append(data, 0x49)
	data = append(data, bcd(uint64(t.cfg.Currency), 2)...)
	res, err := t.transact(ctx, "authorisation", APDU{Class: cmdAuthorisation[0], Instr: cmdAuthorisation[1], Data: data}, prompt, true)
	if err != nil {
		return register.CardResult{}, err
	}
	return t.cardResult(res, req.Amount), nil
}

// Refund pays money back to a card (06 31: password, amount BMP 04).
func (t *Terminal) Refund(ctx context.Context, req register.CardRequest, prompt func(string)) (register.CardResult, error) {
	if err := amountOK(req.Amount); err != nil {
		return register.CardResult{}, err
	}
	data := append(t.password(), 0x04)
	data = append(data, bcd(uint64(req.Amount), 6)...)
	res, err := t.transact(ctx, "refund", APDU{Class: cmdRefund[0], Instr: cmdRefund[1], Data: data}, prompt, true)
	if err != nil {
		return register.CardResult{}, err
	}
	return t.cardResult(res, req.Amount), nil
}

// Reverse cancels an approved payment by its receipt number (06 30:
// password, receipt number BMP 87).
func (t *Terminal) Reverse(ctx context.Context, receiptNo string, prompt func(string)) (register.CardResult, error) {
	rn, err := bcdDigitString(receiptNo, 2)
	if err != nil {
		return register.CardResult{}, pos.Errorf(pos.EInvalid, "Receipt number %q is not a terminal receipt number.", receiptNo)
	}
	data := append(t.password(), 0x87)
	data = append(data, rn...)
	res, err := t.transact(ctx, "reversal", APDU{Class: cmdReversal[0], Instr: cmdReversal[1], Data: data}, prompt, true)
	if err != nil {
		return register.CardResult{}, err
	}
	out := t.cardResult(res, 0)
	if res.aborted && res.abortCode == resultAlreadyReversed {
		out.Approved = true // the money is back already: a retried reversal is done
	}
	return out, nil
}

// resultAlreadyReversed is the result code of a second reversal of the same
// payment (PA00P015 ch. 10: B4 "already reversed").
const resultAlreadyReversed = 0xB4

// Abort asks the terminal to stop the running transaction (06 B0); the
// transaction then ends with the terminal's 06 1E. With none running it
// sends the abort on a fresh connection.
func (t *Terminal) Abort(ctx context.Context) error {
	cmd := APDU{Class: cmdAbort[0], Instr: cmdAbort[1]}
	t.mu.Lock()
	l := t.cur
	t.mu.Unlock()
	if l != nil {
		return l.send(cmd) // its 80 00 00 arrives inside the running exchange
	}
	l, err := t.dial(ctx)
	if err != nil {
		return err
	}
	defer l.Close()
	if err := l.send(cmd); err != nil {
		return err
	}
	a, err := l.recv(ctx, t.cfg.AckTimeout)
	if err != nil {
		return err
	}
	if !a.isAck() {
		return fmt.Errorf("zvt: abort answered %s", a)
	}
	return nil
}

// LastTransaction repeats the last receipt (06 20: password): the terminal
// sends the last transaction's status information, whose result code,
// amount, trace and receipt numbers settle an unknown outcome.
func (t *Terminal) LastTransaction(ctx context.Context) (register.CardResult, error) {
	res, err := t.transact(ctx, "repeat receipt", APDU{Class: cmdRepeatReceipt[0], Instr: cmdRepeatReceipt[1], Data: t.password()}, nil, false)
	if err != nil {
		return register.CardResult{}, err
	}
	f, ok := res.last()
	if !res.completed || !ok {
		return register.CardResult{}, pos.Errorf(pos.ENotFound, "The card terminal has no last transaction to report.")
	}
	out := t.cardResult(result{completed: true, status: res.status, lines: res.lines, done: res.done}, 0)
	if !f.HasAmount {
		return register.CardResult{}, pos.Errorf(pos.ENotFound, "The card terminal's last receipt has no amount.")
	}
	return out, nil
}

// EndOfDay settles the terminal's batch with the acquirers (06 50: password).
func (t *Terminal) EndOfDay(ctx context.Context, prompt func(string)) (register.CardSettlement, error) {
	res, err := t.transact(ctx, "end of day", APDU{Class: cmdEndOfDay[0], Instr: cmdEndOfDay[1], Data: t.password()}, prompt, false)
	if err != nil {
		return register.CardSettlement{}, err
	}
	cr := t.cardResult(res, 0)
	s := register.CardSettlement{Total: cr.Amount, ReceiptLines: res.lines, ResultCode: cr.ResultCode}
	if !cr.Approved {
		return s, pos.Errorf(pos.EUnavailable, "End of day failed on the card terminal: %s.", cr.Message)
	}
	return s, nil
}
