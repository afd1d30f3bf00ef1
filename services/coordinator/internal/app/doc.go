// Package app is the coordinator's application: submit referrals, read journeys and worklists,
// and carry out transitions, each within the caller's PCNs (domain.Scope), over the ports it
// declares (the journeys in Temporal, the journey streams in the event store, the pathway
// versions in governance); and the access audit trail (Audit) that records every call and
// lists the record for auditors.
package app
