package main

import "runtime/debug"

// version is set by the packages' build: -ldflags "-X main.version=1.2.3".
var version string

// appVersion is what -version prints and heartbeats report: the linked
// version, else the module version (go install), else "devel".
func appVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}
