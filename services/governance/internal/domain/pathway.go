package domain

import (
	"time"

	"github.com/nhs-pathways/pathways/workflows/pathway"
)

var timeZero time.Time

// ValidPathwayID reports whether id is a well-formed pathway id (pathway.CheckID: the one rule
// of the pathway model, which every service shares).
func ValidPathwayID(id string) bool { return pathway.CheckID(id) == nil }

// CheckPathwayID records a violation of field when id is not a well-formed pathway id, with the
// pathway model's message.
func CheckPathwayID(vs *Violations, field, id string) { vs.AddErr(field, pathway.CheckID(id)) }

// Pathway is the aggregate: every version of one pathway, rebuilt from the pathway's stream.
// Rules that span versions (one open draft, one version in effect at any time) are enforced here,
// which is why the whole pathway is one stream. Not safe for concurrent use.
type Pathway struct {
	ID        string
	OwningEOG string
	versions  []*Version
}

// NewPathway returns an empty pathway (no stream yet).
func NewPathway(id string) *Pathway { return &Pathway{ID: id} }

// Exists reports whether any version has been created.
func (p *Pathway) Exists() bool { return len(p.versions) > 0 }

// NextVersion is the number the next draft will get.
func (p *Pathway) NextVersion() int { return len(p.versions) + 1 }

func (p *Pathway) version(n int) *Version {
	if n < 1 || n > len(p.versions) {
		return nil
	}
	return p.versions[n-1]
}

// Version returns a copy of version n, or a NotFound error.
func (p *Pathway) Version(n int) (Version, error) {
	v, err := p.find(n)
	if err != nil {
		return Version{}, err
	}
	return v.Clone(), nil
}

func (p *Pathway) find(n int) (*Version, error) {
	if !p.Exists() {
		return nil, notFound("pathway %q does not exist", p.ID)
	}
	v := p.version(n)
	if v == nil {
		return nil, notFound("pathway %q has no version %d (it has versions 1 to %d)", p.ID, n, len(p.versions))
	}
	return v, nil
}

// Versions returns copies of every version, oldest first.
func (p *Pathway) Versions() []Version {
	out := make([]Version, len(p.versions))
	for i, v := range p.versions {
		out[i] = v.Clone()
	}
	return out
}

// InEffectAt returns the version in effect at t, or a NotFound error.
func (p *Pathway) InEffectAt(t time.Time) (Version, error) {
	if !p.Exists() {
		return Version{}, notFound("pathway %q does not exist", p.ID)
	}
	for _, v := range p.versions {
		if v.PublishedAt.IsZero() || !v.Effective.Contains(t) {
			continue
		}
		return v.Clone(), nil
	}
	return Version{}, notFound("no version of pathway %q is in effect at %s", p.ID, t.UTC().Format(time.RFC3339))
}

// openDraft returns the version still being drafted or reviewed, if any.
func (p *Pathway) openDraft() *Version {
	for _, v := range p.versions {
		if v.Status.Open() {
			return v
		}
	}
	return nil
}

// scheduled returns the published versions whose effective period is not empty, by start.
func (p *Pathway) scheduled() []*Version {
	var out []*Version
	for _, v := range p.versions {
		if !v.PublishedAt.IsZero() && !v.Effective.Empty() {
			out = append(out, v)
		}
	}
	return out
}
