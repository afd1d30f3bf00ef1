package journey

import (
	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// coded is a request carrying a coded reason and an optional sealed note.
type coded interface {
	reasonKind() pathway.ReasonKind
	reasonCode() string
	sealedNote() []byte
}

func (r DischargeRequest) reasonKind() pathway.ReasonKind      { return pathway.ReasonDischarge }
func (r DischargeRequest) reasonCode() string                  { return r.Reason }
func (r DischargeRequest) sealedNote() []byte                  { return r.NoteSealed }
func (r CancelRequest) reasonKind() pathway.ReasonKind         { return pathway.ReasonCancel }
func (r CancelRequest) reasonCode() string                     { return r.Reason }
func (r CancelRequest) sealedNote() []byte                     { return r.NoteSealed }
func (r MigrateVersionRequest) reasonKind() pathway.ReasonKind { return pathway.ReasonMigrate }
func (r MigrateVersionRequest) reasonCode() string             { return r.Reason }
func (r MigrateVersionRequest) sealedNote() []byte             { return r.NoteSealed }

// checkCoded checks a coded request's reason against the pinned version (def; its shape only
// while the journey has not pinned one) and bounds its note. Only update validators call it:
// validators do not run on replay, so journeys whose histories hold free-text reasons, recorded
// before reason codes, still replay.
func checkCoded(req any, def *pathway.Definition) error {
	c, ok := req.(coded)
	if !ok {
		return nil
	}
	if err := checkSealed("noteSealed", c.sealedNote()); err != nil {
		return err
	}
	if def == nil {
		if err := pathway.CheckReasonCode(c.reasonCode()); err != nil {
			return invalidRequest("reason", err.Error())
		}
		return nil
	}
	if err := def.CheckReason(c.reasonKind(), c.reasonCode()); err != nil {
		return invalidRequest("reason", err.Error())
	}
	return nil
}
