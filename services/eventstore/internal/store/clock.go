package store

import "time"

// ticks converts t to .NET ticks (100ns) since the Unix epoch, the unit of
// the "created" event metadata on the wire.
func ticks(t time.Time) int64 { return t.UnixNano() / 100 }
