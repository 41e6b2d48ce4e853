// Package migrations embeds the hand-written SQL migrations, one directory
// per dialect with the same numbers in both.
package migrations

import "embed"

// FS holds postgres/NNNN_name.sql and sqlite/NNNN_name.sql.
//
//go:embed postgres/*.sql sqlite/*.sql
var FS embed.FS
