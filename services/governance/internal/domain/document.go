package domain

import "fmt"

// Document is a validated pathway definition document, as the pathway model parsed it.
type Document struct {
	PathwayID string
	Version   int
	Title     string
	OwningEOG string
	YAML      []byte // canonical
}

// Fields of a document that the registry checks, named as in the document.
const (
	DocumentField        = "document_yaml"
	DocumentIDField      = "document_yaml.id"
	DocumentVersionField = "document_yaml.version"
	DocumentEOGField     = "document_yaml.eog"
)

// checkDocument reports a document that does not belong at this pathway and version number.
func (p *Pathway) checkDocument(d Document, number int, eog string) error {
	var vs Violations
	if d.PathwayID != p.ID {
		vs.Add(DocumentIDField, "must be the pathway id %q, not %q", p.ID, d.PathwayID)
	}
	if d.Version != number {
		vs.Add(DocumentVersionField, "must be %d, the version number the registry assigned, not %d", number, d.Version)
	}
	if eog != "" && d.OwningEOG != eog {
		vs.Add(DocumentEOGField, "must be %q, the owning Expert Oversight Group of pathway %q, not %q", eog, p.ID, d.OwningEOG)
	}
	return vs.Err()
}

func stateError(v *Version, action string, allowed ...Status) error {
	msg := fmt.Sprintf("cannot %s version %d of pathway %q: it is %s", action, v.Number, v.PathwayID, v.Status)
	if len(allowed) > 0 {
		msg += "; allowed only when it is "
		for i, s := range allowed {
			if i > 0 {
				msg += " or "
			}
			msg += s.String()
		}
	}
	return &Error{Kind: KindFailedPrecondition, Message: msg}
}
