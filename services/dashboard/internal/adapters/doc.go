// Package adapters connects the dashboard to the outside: the read model on SQLite or
// PostgreSQL (facts applied once, with their event IDs, in one transaction; versioned schema
// migrations per engine; on PostgreSQL, replicas sharing one database), the event store journal
// (rebuilding the read model by replaying journey streams) and the finance service (budget used).
package adapters
