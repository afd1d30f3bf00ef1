// Package adapters connects the dashboard to the outside: the SQLite read model (facts applied
// once, with their event IDs, in one transaction), the event store journal (rebuilding the read
// model by replaying journey streams) and the finance service (budget used).
package adapters
