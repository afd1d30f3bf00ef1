// Package app is the coordinator's application: submit referrals, read journeys and worklists,
// and carry out transitions, over the ports it declares (the journeys in Temporal, the journey
// streams in the event store, the pathway versions in governance).
package app
