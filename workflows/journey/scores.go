package journey

import (
	"fmt"
	"math"

	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// checkScores validates scores against the pinned measures: known measure, the measure's scale,
// a finite value in range, each measure at most once. field names the request field.
func checkScores(def *pathway.Definition, field string, scores []Score) error {
	seen := map[string]bool{}
	for i, sc := range scores {
		f := fmt.Sprintf("%s[%d]", field, i)
		m, ok := def.Measure(sc.Measure)
		switch {
		case !ok:
			return invalidRequest(f+".measure", fmt.Sprintf("%q is not a measure of %s v%d", sc.Measure, def.ID, def.Version))
		case seen[sc.Measure]:
			return invalidRequest(f+".measure", fmt.Sprintf("%q is given more than once", sc.Measure))
		case sc.Scale != m.Scale:
			return invalidRequest(f+".scale", fmt.Sprintf("%s is recorded on scale %q, got %q", m.Name, m.Scale, sc.Scale))
		case math.IsNaN(sc.Value) || math.IsInf(sc.Value, 0) || sc.Value < m.Min || sc.Value > m.Max:
			return invalidRequest(f+".value", fmt.Sprintf("%s must be between %g and %g, got %g", m.Name, m.Min, m.Max, sc.Value))
		}
		seen[sc.Measure] = true
	}
	return nil
}

// latestScores returns the latest recorded score of each measure, plus extra scores on top, as
// the pathway's eligibility rules read them.
func latestScores(s *State, extra []Score) map[string]pathway.Score {
	out := map[string]pathway.Score{}
	for _, r := range s.Measures {
		out[r.Measure] = pathway.Score{Value: r.Value, Scale: r.Scale}
	}
	for _, sc := range extra {
		out[sc.Measure] = pathway.Score{Value: sc.Value, Scale: sc.Scale}
	}
	return out
}

func (c *change) recordScores(point string, scores []Score) {
	for _, sc := range scores {
		c.s.Measures = append(c.s.Measures, RecordedScore{Score: sc, CollectionPoint: point, At: c.now})
	}
}
