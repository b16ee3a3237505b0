package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
)

// version is set by the packages' build: -ldflags "-X main.version=1.2.3".
var version string

func appVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// configKeys are the settings a -config file may hold: the server's flags
// and the admin commands' --url, so one /etc/till/headoffice.json serves
// both. Each key sets the flag of the same name.
var configKeys = map[string]bool{"addr": true, "data": true, "db": true, "insecure-loopback": true, "url": true}

// maxConfigSize bounds the file before it is read.
const maxConfigSize = 64 << 10

// applyConfigFile sets fs's flags from the JSON object in path, except the
// flags given on the command line (they win) and keys fs does not have
// (the server has no --url). An unknown key is an error: a typo must not
// silently fall back to a default.
func applyConfigFile(fs *flag.FlagSet, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxConfigSize+1))
	if err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	if len(b) > maxConfigSize {
		return fmt.Errorf("config %s: larger than %d bytes", path, maxConfigSize)
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for k, v := range m {
		if !configKeys[k] {
			return fmt.Errorf("config %s: unknown setting %q (known: addr, data, db, insecure-loopback, url)", path, k)
		}
		if fs.Lookup(k) == nil || given[k] {
			continue
		}
		var s string
		switch v := v.(type) {
		case string:
			s = v
		case bool:
			s = strconv.FormatBool(v)
		default:
			return fmt.Errorf("config %s: %q must be a string or true/false", path, k)
		}
		if err := fs.Set(k, s); err != nil {
			return fmt.Errorf("config %s: %q: %w", path, k, err)
		}
	}
	return nil
}
