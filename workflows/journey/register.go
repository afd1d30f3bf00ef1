package journey

import (
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// RegisterWorkflow registers the journey workflow under WorkflowName. A workflow replayer (which
// runs no activities) registers through it too, so recorded histories replay under the name
// production runs them.
func RegisterWorkflow(r worker.WorkflowRegistry) {
	r.RegisterWorkflowWithOptions(Journey, workflow.RegisterOptions{Name: WorkflowName})
}

// Register registers the journey workflow and acts' activities (each under its method name, as
// the workflow calls them) on w.
func Register(w worker.Registry, acts *Activities) {
	RegisterWorkflow(w)
	w.RegisterActivity(acts)
}

// NewWorker returns a worker, not yet started, polling TaskQueue through c with the journey
// registered (Register). c must be built from ClientOptions: the worker gets its tracing from the
// client (the SDK applies a client's worker interceptors to the workers built from it), so opts
// lists no tracing interceptor of its own, or every workflow and activity span is recorded twice.
// Production passes zero opts; the test stack fails a workflow on a panic instead of blocking it.
func NewWorker(c client.Client, acts *Activities, opts worker.Options) worker.Worker {
	w := worker.New(c, TaskQueue, opts)
	Register(w, acts)
	return w
}
