package clocale

import "testing"

func TestEnglishIfC(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		env  map[string]string
		want string // LANGUAGE afterwards
	}{
		{map[string]string{}, "en"},
		{map[string]string{"LANG": "C"}, "en"},
		{map[string]string{"LANG": "POSIX"}, "en"},
		{map[string]string{"LANG": "C.UTF-8"}, "en"},
		{map[string]string{"LANG": "C.utf8", "LANGUAGE": "de"}, "en"},
		{map[string]string{"LANG": "de_DE.UTF-8", "LC_ALL": "C.UTF-8"}, "en"},
		{map[string]string{"LANG": "de_DE.UTF-8"}, ""},
		{map[string]string{"LANG": "C.UTF-8", "LC_MESSAGES": "de_DE.UTF-8"}, ""},
		{map[string]string{"LANG": "en_US.UTF-8", "LANGUAGE": "de:en"}, "de:en"},
		{map[string]string{"LANG": "Cymraeg"}, ""},
	} {
		env := map[string]string{}
		for k, v := range tt.env {
			env[k] = v
		}
		EnglishIfC(func(k string) string { return env[k] }, func(k, v string) error { env[k] = v; return nil })
		if env["LANGUAGE"] != tt.want {
			t.Errorf("%v: LANGUAGE = %q, want %q", tt.env, env["LANGUAGE"], tt.want)
		}
	}
}
