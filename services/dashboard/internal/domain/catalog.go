package domain

import (
	"slices"

	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// Catalog holds the pathway versions the dashboard knows: their measures, patient-defined
// outcomes and readmission windows. It is read-only after NewCatalog and safe for concurrent use.
type Catalog struct {
	versions map[versionKey]*pathway.Definition
	latest   map[string]*pathway.Definition
}

type versionKey struct {
	pathway string
	version int
}

// NewCatalog indexes the definitions by pathway and version.
func NewCatalog(defs []*pathway.Definition) *Catalog {
	c := &Catalog{versions: map[versionKey]*pathway.Definition{}, latest: map[string]*pathway.Definition{}}
	for _, d := range defs {
		c.versions[versionKey{d.ID, d.Version}] = d
		if l, ok := c.latest[d.ID]; !ok || l.Version < d.Version {
			c.latest[d.ID] = d
		}
	}
	return c
}

// Pathways lists the pathway IDs known, sorted.
func (c *Catalog) Pathways() []string {
	out := make([]string, 0, len(c.latest))
	for id := range c.latest {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// Title is the pathway's title, or its ID when unknown.
func (c *Catalog) Title(pathwayID string) string {
	if d, ok := c.latest[pathwayID]; ok {
		return d.Title
	}
	return pathwayID
}

// definition returns the version, falling back to the latest known version of the pathway.
func (c *Catalog) definition(pathwayID string, version int) (*pathway.Definition, bool) {
	if d, ok := c.versions[versionKey{pathwayID, version}]; ok {
		return d, true
	}
	d, ok := c.latest[pathwayID]
	return d, ok
}

// Measure returns the measure as the journey's version defines it.
func (c *Catalog) Measure(pathwayID string, version int, code string) (MeasureDef, bool) {
	d, ok := c.definition(pathwayID, version)
	if !ok {
		return MeasureDef{}, false
	}
	m, ok := d.Measure(code)
	if !ok {
		return MeasureDef{}, false
	}
	return toMeasureDef(m), true
}

// Measures lists the measures of the pathway's latest version, in its order.
func (c *Catalog) Measures(pathwayID string) []MeasureDef {
	d, ok := c.latest[pathwayID]
	if !ok {
		return nil
	}
	out := make([]MeasureDef, 0, len(d.Measures))
	for _, m := range d.Measures {
		out = append(out, toMeasureDef(m))
	}
	return out
}

// PatientOutcomes lists the patient-defined outcomes of the pathway's latest version.
func (c *Catalog) PatientOutcomes(pathwayID string) []pathway.PatientOutcome {
	if d, ok := c.latest[pathwayID]; ok {
		return d.PatientOutcomes
	}
	return nil
}

// ReadmissionWindows lists the readmission windows (days) of the pathway's latest version.
func (c *Catalog) ReadmissionWindows(pathwayID string) []int {
	if d, ok := c.latest[pathwayID]; ok {
		return d.Discharge.ReadmissionWindowsDays
	}
	return nil
}

func toMeasureDef(m pathway.Measure) MeasureDef {
	d := MeasureDef{Code: m.ID, Name: m.Name, Scale: m.Scale, Min: m.Min, Max: m.Max,
		LowerIsBetter: m.Direction == pathway.LowerIsBetter}
	if m.MIC != nil {
		d.MIC, d.HasMIC = *m.MIC, true
	}
	return d
}
