package ports

import (
	"context"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	"github.com/nhs-pathways/pathways/services/coordinator/internal/domain"
	"github.com/nhs-pathways/pathways/services/platform/access"
	"github.com/nhs-pathways/pathways/services/platform/identity"
)

// PatientDataServer implements PatientDataService on the Server's application and access audit
// trail: information governance erases a patient by destroying their data key. Safe for
// concurrent use.
type PatientDataServer struct {
	coordinatorv1.UnimplementedPatientDataServiceServer
	s *Server
}

// NewPatientDataServer returns the gRPC service; s gives it the application and the audit trail.
func NewPatientDataServer(s *Server) *PatientDataServer { return &PatientDataServer{s: s} }

// ErasePatient destroys the data key of a journey's patient. It needs the information-governance
// role, and the call is recorded in the access audit trail with its reason and the patient's
// reference; an erasure that cannot be recorded is still done (the key cannot come back), and the
// failure is logged.
func (p *PatientDataServer) ErasePatient(ctx context.Context, req *coordinatorv1.ErasePatientRequest) (*coordinatorv1.ErasePatientResponse, error) {
	c := call{method: coordinatorv1.PatientDataService_ErasePatient_FullMethodName, reason: clipReason(req.GetReason())}
	if domain.ValidJourneyID(req.GetJourneyId()) {
		c.journeyIDs = []string{req.GetJourneyId()}
	}
	var ref string
	erased, err := func() (bool, error) {
		if _, err := identity.Require(ctx, access.InformationGovernance, "erase a patient's data"); err != nil {
			return false, err
		}
		res, err := p.s.app.ErasePatient(ctx, req.GetJourneyId(), req.GetReason())
		ref = res.PatientRef
		return res.Erased, err
	}()
	c.patientRef = ref
	if err := p.s.answer(ctx, c, err, false); err != nil {
		return nil, err
	}
	return &coordinatorv1.ErasePatientResponse{PatientRef: ref, Erased: erased}, nil
}

// clipReason bounds the reason kept in the trail (the app refuses one that is too long).
func clipReason(r string) string {
	const n = 500
	if rs := []rune(r); len(rs) > n {
		return string(rs[:n])
	}
	return r
}
