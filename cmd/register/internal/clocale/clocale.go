// Package clocale makes a C or POSIX locale mean English, quietly, for Fyne.
//
// Fyne reads the locale from LC_ALL, LC_MESSAGES, LANG and LANGUAGE (via
// github.com/jeandeaual/go-locale) and cannot parse "C.UTF-8", the default of
// Debian containers and systemd services: it logs "Fyne error: Error parsing
// user locale C" every time translations are loaded, once already while
// fyne.io/fyne/v2/lang initializes, before main runs. So the fix is an init
// function in a package that imports only os: Go initializes packages in
// import-path order as soon as their imports are (go.dev/ref/spec#Package_initialization),
// which puts this one after os and before text/template, hence before go-i18n
// and fyne/lang. cmd/register imports it first thing.
package clocale

import "os"

func init() { EnglishIfC(os.Getenv, os.Setenv) }

// EnglishIfC sets LANGUAGE=en when the effective locale is C or POSIX
// (bare, or with a code set such as C.UTF-8), as gettext treats them: English.
// Any other locale (de_DE.UTF-8, en_GB) is left alone.
func EnglishIfC(getenv func(string) string, setenv func(string, string) error) {
	loc := ""
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if loc = getenv(v); loc != "" {
			break
		}
	}
	if !isC(loc) {
		return
	}
	_ = setenv("LANGUAGE", "en") // the locale lookup skips it for bare C only
}

// isC: "", "C", "POSIX", "C.UTF-8", "C.utf8", "POSIX@euro"...
func isC(loc string) bool {
	base := loc
	for i := 0; i < len(loc); i++ {
		if loc[i] == '.' || loc[i] == '@' {
			base = loc[:i]
			break
		}
	}
	return base == "" || base == "C" || base == "POSIX"
}
