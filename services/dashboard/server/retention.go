package server

import (
	"time"

	"github.com/nhs-pathways/pathways/services/platform/records"
)

// DefaultRecordsRetention is 8 years: the NHS Records Management Code of Practice 2021 keeps
// adult health records for 8 years after the conclusion of treatment.
var DefaultRecordsRetention = records.DefaultRetention

// DefaultPurgeInterval is how often the read model is purged of journeys past retention.
const DefaultPurgeInterval = 24 * time.Hour

// Retention is a records-retention period, written "8y", "90d", "36h" or "1y30d" (flag
// -records-retention): the one the coordinator's retention sweeper also takes.
type Retention = records.Retention
