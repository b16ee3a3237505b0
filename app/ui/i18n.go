package ui

import (
	"embed"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/tillpos/till/app/pos"
)

//go:embed translations/*.json
var translations embed.FS

// Languages are the locales the register's screens are translated into.
var Languages = []string{"en", "de"}

var langMu sync.Mutex

// useLanguage loads the translations and makes locale's texts the ones
// lang.L returns. Fyne v2.7 picks its language from the operating system
// and has no setter, so the chosen file is also loaded under the tags the
// system's locale can match ("en", the system's own): the store's
// configured locale wins over the machine's. Process-wide, like fyne/lang.
func useLanguage(locale string) error {
	langMu.Lock()
	defer langMu.Unlock()
	code := baseLanguage(locale)
	if err := lang.AddTranslationsFS(translations, "translations"); err != nil {
		return fmt.Errorf("load translations: %w", err)
	}
	data, err := translations.ReadFile("translations/" + code + ".json")
	if err != nil {
		return fmt.Errorf("no translations for %q: %w", locale, err)
	}
	sys := lang.SystemLocale()
	for _, tag := range []fyne.Locale{"en", sys, fyne.Locale(sys.LanguageString())} {
		if err := lang.AddTranslationsForLocale(data, tag); err != nil {
			return fmt.Errorf("load %s translations as %s: %w", code, tag, err)
		}
	}
	return nil
}

// baseLanguage maps "de-CH", "de_DE.UTF-8" to "de"; unknown ones to "en".
func baseLanguage(locale string) string {
	l := strings.ToLower(locale)
	for _, code := range Languages {
		if l == code || strings.HasPrefix(l, code+"-") || strings.HasPrefix(l, code+"_") {
			return code
		}
	}
	return "en"
}

// dateTime formats a moment for the store's locale, in local time.
func (u *UI) dateTime(t time.Time) string {
	t = t.Local()
	if baseLanguage(u.locale) == "de" {
		return t.Format("02.01.2006 15:04")
	}
	return t.Format("2 Jan 2006 15:04")
}

// errText is the cashier's sentence for err in the screen's language: the
// register's *pos.Error keeps its English format (the translation key) and
// arguments, so the translated format is filled with the same arguments
// (German formats may reorder them with %[2]s). A message with no
// translation shows in English.
func errText(err error) string {
	var e *pos.Error
	switch {
	case err == nil:
		return ""
	case !errors.As(err, &e):
		return lang.L(pos.ErrorMessage(err))
	case e.Key == "":
		return lang.L(e.Message)
	case len(e.Args) == 0:
		return lang.L(e.Key)
	}
	tr := lang.L(e.Key)
	if tr == e.Key {
		return e.Message
	}
	return fmt.Sprintf(tr, e.Args...)
}
