package bench

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// The floor workflow: registered by the bench on its own task queue with its own worker.
const (
	FloorTaskQueue    = "pathwaysbench-floor"
	FloorWorkflowName = "PathwaysBenchFloor"
	FloorUpdateName   = "increment"
	// floorContinueAsNewAfter matches the journey's default, so both sides keep histories alike
	// in length.
	floorContinueAsNewAfter = 5000
)

// FloorWorkflow does nothing but count the updates it is sent; it continues as new (carrying the
// count) when its history grows as large as a journey's would before continuing.
func FloorWorkflow(ctx workflow.Context, count int) (int, error) {
	if err := workflow.SetUpdateHandler(ctx, FloorUpdateName, func(_ workflow.Context, by int) (int, error) {
		count += by
		return count, nil
	}); err != nil {
		return count, err
	}
	due := func() bool {
		info := workflow.GetInfo(ctx)
		return info.GetContinueAsNewSuggested() || info.GetCurrentHistoryLength() >= floorContinueAsNewAfter
	}
	if err := workflow.Await(ctx, due); err != nil {
		return count, err
	}
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return count, err
	}
	return count, workflow.NewContinueAsNewError(ctx, FloorWorkflowName, count)
}

// startFloorWorker runs the floor workflow's worker until stop is called.
func startFloorWorker(c client.Client) (stop func(), err error) {
	w := worker.New(c, FloorTaskQueue, worker.Options{})
	w.RegisterWorkflowWithOptions(FloorWorkflow, workflow.RegisterOptions{Name: FloorWorkflowName})
	if err := w.Start(); err != nil {
		return nil, fmt.Errorf("start floor worker: %w", err)
	}
	return w.Stop, nil
}

// floorClient sends bare updates to its own floor workflow.
type floorClient struct {
	c          client.Client
	workflowID string
}

func startFloorClient(ctx context.Context, c client.Client, workflowID string) (*floorClient, error) {
	_, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflowID, TaskQueue: FloorTaskQueue}, FloorWorkflowName, 0)
	if err != nil {
		return nil, fmt.Errorf("start floor workflow %s: %w", workflowID, err)
	}
	return &floorClient{c: c, workflowID: workflowID}, nil
}

// transition is one bare Temporal Update, waited for until completed.
func (f *floorClient) transition(ctx context.Context) error {
	h, err := f.c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: f.workflowID, UpdateName: FloorUpdateName,
		Args: []any{1}, WaitForStage: client.WorkflowUpdateStageCompleted})
	if err != nil {
		return fmt.Errorf("floor update %s: %w", f.workflowID, err)
	}
	var n int
	if err := h.Get(ctx, &n); err != nil {
		return fmt.Errorf("floor update %s result: %w", f.workflowID, err)
	}
	return nil
}

// stop terminates the floor workflow (it would otherwise wait for updates for ever).
func (f *floorClient) stop(ctx context.Context) error {
	if err := f.c.TerminateWorkflow(ctx, f.workflowID, "", "benchmark level done"); err != nil {
		return fmt.Errorf("terminate floor workflow %s: %w", f.workflowID, err)
	}
	return nil
}
