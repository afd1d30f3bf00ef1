// Package pathway is the declarative model of a clinical pathway version:
// the stages a patient journey moves through, the triage dispositions, the
// eligibility rules, the intervention catalogue with providers and unit prices,
// the SLA and RTT clocks, the outcome measures and the discharge rules.
//
// A version is authored as YAML by a Clinical Expert Oversight Group (EOG),
// reviewed as a semantic [Diff] against the version before it, and approved in
// the governance service (which owns the version's status: the document itself
// is status-free). The journey workflow pins the version current at referral
// and interprets it through the lookups and [Definition.Eligible].
//
// Everything here is pure and deterministic so it can run inside Temporal
// workflow code: no I/O (the shipped versions are embedded), no clock, no
// goroutines, and no map iteration that affects output order. A *Definition is
// not mutated by any method and is safe for concurrent reads; callers must not
// mutate one they share.
package pathway
