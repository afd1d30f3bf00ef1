package domain

// BaselinePoint is the collection point of baseline scores (triage baseline and any outcome
// recorded at "baseline").
const BaselinePoint = "baseline"

// MeasureDef is what the dashboard needs of a pathway version's measure.
type MeasureDef struct {
	Code          string
	Name          string
	Scale         string
	Min, Max      float64
	LowerIsBetter bool
	// MIC is the minimal important change in points; HasMIC is false when none is set.
	MIC    float64
	HasMIC bool
}

// Pair is one journey's baseline and latest later score of a measure.
type Pair struct {
	Baseline    float64
	HasBaseline bool
	Latest      float64
}

// Change is latest minus baseline, as measured.
func (p Pair) Change() float64 { return p.Latest - p.Baseline }

// Improvement is the change in the better direction (positive is better).
func (p Pair) Improvement(d MeasureDef) float64 {
	if d.LowerIsBetter {
		return -p.Change()
	}
	return p.Change()
}

// ReachedMIC reports whether the journey improved by at least the minimal important change.
// A tiny tolerance keeps decimal scores (such as EQ-5D index values) from missing by rounding.
func (p Pair) ReachedMIC(d MeasureDef) bool {
	return d.HasMIC && p.HasBaseline && p.Improvement(d) >= d.MIC-1e-9
}

// Improved reports whether the journey improved at all in the better direction.
func (p Pair) Improved(d MeasureDef) bool { return p.HasBaseline && p.Improvement(d) > 1e-9 }

// Comparable reports whether two scores' scales may be paired under the measure: scores on
// another scale than the measure's (for example mMRC 0-4 under MRC 1-5) are never compared.
func Comparable(d MeasureDef, baselineScale, latestScale string) bool {
	if baselineScale != latestScale {
		return false
	}
	return d.Scale == "" || d.Scale == latestScale
}

// Summary adds up pairs of one measure.
type Summary struct {
	Def                    MeasureDef
	Journeys               int64
	SumBaseline, SumLatest float64
	ReachedMIC, Improved   Share
}

// Add counts one pair.
func (s *Summary) Add(p Pair) {
	s.Journeys++
	s.SumBaseline += p.Baseline
	s.SumLatest += p.Latest
	if s.Def.HasMIC {
		s.ReachedMIC.Total++
		if p.ReachedMIC(s.Def) {
			s.ReachedMIC.Count++
		}
	}
	s.Improved.Total++
	if p.Improved(s.Def) {
		s.Improved.Count++
	}
}

// Means returns the mean baseline, latest and change (zeros when empty).
func (s Summary) Means() (baseline, latest, change float64) {
	if s.Journeys == 0 {
		return 0, 0, 0
	}
	n := float64(s.Journeys)
	return s.SumBaseline / n, s.SumLatest / n, (s.SumLatest - s.SumBaseline) / n
}
