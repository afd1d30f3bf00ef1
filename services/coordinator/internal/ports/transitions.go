package ports

import (
	"context"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/domain"
)

// Triage records a triage decision.
func (s *Server) Triage(ctx context.Context, req *coordinatorv1.TriageRequest) (*coordinatorv1.TriageResponse, error) {
	r, err := s.apply(ctx, domain.Command{Transition: domain.Triage, JourneyID: req.GetJourneyId(), RequestID: req.GetRequestId(),
		Disposition: req.GetDisposition(), Measures: measuresFromProto(req.GetBaseline())})
	if err != nil {
		return nil, err
	}
	return &coordinatorv1.TriageResponse{Result: r}, nil
}

// ScheduleIntervention books an intervention.
func (s *Server) ScheduleIntervention(ctx context.Context, req *coordinatorv1.ScheduleInterventionRequest) (*coordinatorv1.ScheduleInterventionResponse, error) {
	cmd := domain.Command{Transition: domain.ScheduleIntervention, JourneyID: req.GetJourneyId(), RequestID: req.GetRequestId(),
		Intervention: req.GetIntervention()}
	if req.GetScheduledFor() != nil {
		cmd.ScheduledFor = req.GetScheduledFor().AsTime()
	}
	r, err := s.apply(ctx, cmd)
	if err != nil {
		return nil, err
	}
	return &coordinatorv1.ScheduleInterventionResponse{Result: r}, nil
}

// StartIntervention starts a booked intervention.
func (s *Server) StartIntervention(ctx context.Context, req *coordinatorv1.StartInterventionRequest) (*coordinatorv1.StartInterventionResponse, error) {
	r, err := s.apply(ctx, domain.Command{Transition: domain.StartIntervention, JourneyID: req.GetJourneyId(),
		RequestID: req.GetRequestId(), InterventionID: req.GetInterventionId()})
	if err != nil {
		return nil, err
	}
	return &coordinatorv1.StartInterventionResponse{Result: r}, nil
}

// CompleteIntervention completes an intervention.
func (s *Server) CompleteIntervention(ctx context.Context, req *coordinatorv1.CompleteInterventionRequest) (*coordinatorv1.CompleteInterventionResponse, error) {
	r, err := s.apply(ctx, domain.Command{Transition: domain.CompleteIntervention, JourneyID: req.GetJourneyId(),
		RequestID: req.GetRequestId(), InterventionID: req.GetInterventionId()})
	if err != nil {
		return nil, err
	}
	return &coordinatorv1.CompleteInterventionResponse{Result: r}, nil
}

// RecordDidNotAttend records a missed appointment.
func (s *Server) RecordDidNotAttend(ctx context.Context, req *coordinatorv1.RecordDidNotAttendRequest) (*coordinatorv1.RecordDidNotAttendResponse, error) {
	r, err := s.apply(ctx, domain.Command{Transition: domain.RecordDidNotAttend, JourneyID: req.GetJourneyId(),
		RequestID: req.GetRequestId(), InterventionID: req.GetInterventionId()})
	if err != nil {
		return nil, err
	}
	return &coordinatorv1.RecordDidNotAttendResponse{Result: r}, nil
}

// RecordOutcome records outcome measures.
func (s *Server) RecordOutcome(ctx context.Context, req *coordinatorv1.RecordOutcomeRequest) (*coordinatorv1.RecordOutcomeResponse, error) {
	r, err := s.apply(ctx, domain.Command{Transition: domain.RecordOutcome, JourneyID: req.GetJourneyId(), RequestID: req.GetRequestId(),
		CollectionPoint: req.GetCollectionPoint(), Measures: measuresFromProto(req.GetMeasures())})
	if err != nil {
		return nil, err
	}
	return &coordinatorv1.RecordOutcomeResponse{Result: r}, nil
}

// Discharge ends active care.
func (s *Server) Discharge(ctx context.Context, req *coordinatorv1.DischargeRequest) (*coordinatorv1.DischargeResponse, error) {
	r, err := s.apply(ctx, domain.Command{Transition: domain.Discharge, JourneyID: req.GetJourneyId(), RequestID: req.GetRequestId(),
		Reason: req.GetReason(), Stage: req.GetStage(), Note: req.GetNote()})
	if err != nil {
		return nil, err
	}
	return &coordinatorv1.DischargeResponse{Result: r}, nil
}

// Cancel cancels a journey.
func (s *Server) Cancel(ctx context.Context, req *coordinatorv1.CancelRequest) (*coordinatorv1.CancelResponse, error) {
	r, err := s.apply(ctx, domain.Command{Transition: domain.Cancel, JourneyID: req.GetJourneyId(), RequestID: req.GetRequestId(),
		Reason: req.GetReason(), Note: req.GetNote()})
	if err != nil {
		return nil, err
	}
	return &coordinatorv1.CancelResponse{Result: r}, nil
}

// MigrateVersion moves a journey to another version of its pathway.
func (s *Server) MigrateVersion(ctx context.Context, req *coordinatorv1.MigrateVersionRequest) (*coordinatorv1.MigrateVersionResponse, error) {
	r, err := s.apply(ctx, domain.Command{Transition: domain.MigrateVersion, JourneyID: req.GetJourneyId(), RequestID: req.GetRequestId(),
		TargetVersion: int(req.GetTargetVersion()), Reason: req.GetReason(), DryRun: req.GetDryRun(), Note: req.GetNote()})
	if err != nil {
		return nil, err
	}
	return &coordinatorv1.MigrateVersionResponse{Result: r}, nil
}

// RecordAdmission records an unplanned hospital admission.
func (s *Server) RecordAdmission(ctx context.Context, req *coordinatorv1.RecordAdmissionRequest) (*coordinatorv1.RecordAdmissionResponse, error) {
	cmd := domain.Command{Transition: domain.RecordAdmission, JourneyID: req.GetJourneyId(), RequestID: req.GetRequestId(),
		Reason: req.GetReason()}
	if req.GetAdmittedAt() != nil {
		cmd.AdmittedAt = req.GetAdmittedAt().AsTime()
	}
	if req.GetDischargedAt() != nil {
		cmd.DischargedAt = req.GetDischargedAt().AsTime()
	}
	r, err := s.apply(ctx, cmd)
	if err != nil {
		return nil, err
	}
	return &coordinatorv1.RecordAdmissionResponse{Result: r}, nil
}
