// Package assets holds files embedded into the binaries: the demo catalog
// (and, as they arrive, icons and fonts).
package assets

import _ "embed"

// DemoCatalog is a small German grocery and café catalog in the store
// package's JSON catalog format, seeded on first run.
//
//go:embed demo_catalog.json
var DemoCatalog []byte
