package main

import "runtime/debug"

// version is set by the release build (-ldflags "-X main.version=1.2.3").
var version string

// versionString is the release version, or the module version `go install ...@v1.2.3`
// recorded, or "dev" for a build from a working tree.
func versionString() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}
