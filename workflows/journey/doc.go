// Package journey is the patient journey workflow: one durable Temporal workflow per referral that
// interprets the pathway version pinned at referral (package pathway), from referral through triage,
// interventions and outcomes to discharge and follow-up.
//
// Coordinators advance a journey with Temporal Updates (each validated before anything is recorded,
// each deduplicated by the caller's request ID, also across continue-as-new) and read it with a
// Query. Every accepted transition is appended to the journey's event stream ("journey-<id>") by a
// local activity (CommitJourneyEvents) with deterministic event IDs and the expected revision, so
// retries never duplicate and the stream is the journey's complete timeline. The same local
// activity then offers the transition's facts (costed interventions, outcomes, dashboard facts) to
// the finance and dashboard ingest services under the events' IDs; what a receiver does not take
// at once waits in the journey's outbox and is pushed by retried activities, in order, until taken.
// Receivers apply each event ID once, so nothing is lost or counted twice.
//
// Files follow the shape of the Temporal samples: shared.go holds the names and the request and
// response types callers use, workflow.go the workflow, activities.go the activities and their
// dependencies. The journey's rules live in pure functions (decide*.go) that tests exercise
// without Temporal.
package journey
