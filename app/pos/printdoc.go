package pos

// Doc is a printable document (receipt, X/Z report) independent of any
// printer language: the register lays it out, a printer driver renders it
// for its column width and code page.
type Doc struct {
	ID   string // print job id; a job is printed once unless reprinted
	Copy bool   // a reprint: the driver prints "COPY" prominently
	// Lang is the language of the texts ("en", "de"; "" is English): the
	// driver's own words, such as COPY, follow it.
	Lang   string `json:",omitempty"`
	Blocks []Block
}

// Align is horizontal alignment.
type Align uint8

const (
	AlignLeft Align = iota
	AlignCenter
	AlignRight
)

// BlockKind is what a Block draws.
type BlockKind uint8

const (
	BlockText    BlockKind = iota // Text, aligned
	BlockPair                     // Text on the left, Right on the right of one line
	BlockRule                     // a separator line
	BlockBarcode                  // CODE128 of Text (receipt number, for returns)
	BlockQR                       // QR code of Text
	BlockFeed                     // N blank lines
)

// Block is one element of a Doc.
type Block struct {
	Kind  BlockKind
	Text  string
	Right string
	Align Align
	Bold  bool
	Large bool // double width and height
	N     int
}

// Text appends an aligned line.
func (d *Doc) Text(text string, a Align) *Doc {
	d.Blocks = append(d.Blocks, Block{Kind: BlockText, Text: text, Align: a})
	return d
}

// Title appends a large bold centred line.
func (d *Doc) Title(text string) *Doc {
	d.Blocks = append(d.Blocks, Block{Kind: BlockText, Text: text, Align: AlignCenter, Bold: true, Large: true})
	return d
}

// Pair appends a line with left and right text.
func (d *Doc) Pair(left, right string, bold bool) *Doc {
	d.Blocks = append(d.Blocks, Block{Kind: BlockPair, Text: left, Right: right, Bold: bold})
	return d
}

// Rule appends a separator.
func (d *Doc) Rule() *Doc { d.Blocks = append(d.Blocks, Block{Kind: BlockRule}); return d }

// Barcode appends a CODE128 barcode.
func (d *Doc) Barcode(data string) *Doc {
	d.Blocks = append(d.Blocks, Block{Kind: BlockBarcode, Text: data, Align: AlignCenter})
	return d
}

// Feed appends n blank lines.
func (d *Doc) Feed(n int) *Doc { d.Blocks = append(d.Blocks, Block{Kind: BlockFeed, N: n}); return d }
