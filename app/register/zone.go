package register

import "time"

// localZone is where receipt times are shown; the journal keeps UTC.
func localZone() *time.Location { return time.Local }
