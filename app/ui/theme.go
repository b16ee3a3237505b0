package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Palette of the register: dark ink on light panels, saturated action
// colours, chosen for contrast under shop lighting.
var (
	colInk       = rgb(0x11, 0x14, 0x18)
	colInkSoft   = rgb(0x4a, 0x53, 0x60)
	colBackdrop  = rgb(0xe9, 0xec, 0xf0)
	colPanel     = rgb(0xff, 0xff, 0xff)
	colLine      = rgb(0xd3, 0xd8, 0xde)
	colNavy      = rgb(0x12, 0x1f, 0x33)
	colOnNavy    = rgb(0xff, 0xff, 0xff)
	colOnNavySub = rgb(0xb8, 0xc4, 0xd4)
	colGreen     = rgb(0x14, 0x7a, 0x36)
	colBlue      = rgb(0x15, 0x5f, 0xc0)
	colSelected  = rgb(0xd4, 0xe5, 0xff)
	colWarn      = rgb(0xff, 0xc8, 0x2e)
	colError     = rgb(0xc6, 0x28, 0x28)
	colDisabled  = rgb(0xc3, 0xc9, 0xd1)
	colKey       = rgb(0xf7, 0xf8, 0xfa)
)

// Text sizes beyond the theme's: the total and the amounts a customer reads.
const (
	sizeRow    = 20
	sizeDetail = 16
	sizeTile   = 18
	sizeTotal  = 44
	sizeDue    = 72
	sizeChange = 96
)

func rgb(r, g, b uint8) color.NRGBA { return color.NRGBA{R: r, G: g, B: b, A: 0xff} }

// tillTheme is the default theme in its light variant with larger text and
// padding: a touchscreen at arm's length, not a desktop.
type tillTheme struct{ base fyne.Theme }

func newTheme() fyne.Theme { return tillTheme{base: theme.DefaultTheme()} }

func (t tillTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	switch n {
	case theme.ColorNameBackground:
		return colBackdrop
	case theme.ColorNameForeground:
		return colInk
	case theme.ColorNameButton:
		return colPanel
	case theme.ColorNameDisabledButton:
		return colDisabled
	case theme.ColorNameDisabled, theme.ColorNamePlaceHolder:
		return colInkSoft
	case theme.ColorNamePrimary:
		return colBlue
	case theme.ColorNameSuccess:
		return colGreen
	case theme.ColorNameWarning:
		return colWarn
	case theme.ColorNameForegroundOnWarning:
		return colInk
	case theme.ColorNameError:
		return colError
	case theme.ColorNameInputBackground, theme.ColorNameOverlayBackground, theme.ColorNameMenuBackground:
		return colPanel
	case theme.ColorNameSeparator, theme.ColorNameInputBorder:
		return colLine
	case theme.ColorNameSelection:
		return colSelected
	}
	return t.base.Color(n, theme.VariantLight)
}

func (t tillTheme) Font(s fyne.TextStyle) fyne.Resource     { return t.base.Font(s) }
func (t tillTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base.Icon(n) }

func (t tillTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameText:
		return 19
	case theme.SizeNameHeadingText:
		return 30
	case theme.SizeNameSubHeadingText:
		return 22
	case theme.SizeNameCaptionText:
		return 15
	case theme.SizeNamePadding:
		return 6
	case theme.SizeNameInnerPadding:
		return 14
	case theme.SizeNameInlineIcon:
		return 26
	case theme.SizeNameScrollBar:
		return 14
	case theme.SizeNameScrollBarSmall:
		return 6
	case theme.SizeNameInputRadius, theme.SizeNameSelectionRadius:
		return 8
	}
	return t.base.Size(n)
}
