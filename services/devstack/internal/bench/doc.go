// Package bench measures journey transitions through the coordinator API on the devstack against
// the floor of the design measured in the same run on the same Temporal server: bare Temporal
// Updates on a workflow whose handler only changes a counter.
//
// Each concurrency level runs N coordinators, each with its own MSK journey (so no two race for
// one journey), looping ScheduleIntervention -> StartIntervention -> CompleteIntervention: each
// is one coordinator call, which the coordinator turns into one state query and one Temporal
// Update, whose handler appends one event to the journey stream and queues one or two ingest
// pushes. The floor runs N clients, each calling client.UpdateWorkflow (wait for Completed) on its
// own floor workflow, served by a worker the bench registers on its own task queue.
package bench
