// Package journey is the patient journey workflow: one durable Temporal workflow per referral that
// interprets the pathway version pinned at referral (package pathway), from referral through triage,
// interventions and outcomes to discharge and follow-up.
//
// Coordinators advance a journey with Temporal Updates (each validated before anything is recorded,
// each deduplicated by the caller's request ID, also across continue-as-new) and read it with a
// Query. Every accepted transition is appended to the journey's event stream ("journey-<id>") by an
// activity with deterministic event IDs and the expected revision, so retries never duplicate and
// the stream is the journey's complete timeline. Costed interventions and outcomes are pushed to the
// finance and dashboard ingest services with stable event IDs.
//
// Files follow the shape of the Temporal samples: shared.go holds the names and the request and
// response types callers use, workflow.go the workflow, activities.go the activities and their
// dependencies. The journey's rules live in pure functions (decide*.go) that tests exercise
// without Temporal.
package journey
