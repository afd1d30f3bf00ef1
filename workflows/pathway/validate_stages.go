package pathway

import "fmt"

func (v *validator) stageList() {
	if len(v.d.Stages) == 0 {
		v.add("stages", "at least one stage is required")
		return
	}
	seen := map[string]bool{}
	referrals, discharges := 0, 0
	for i, s := range v.d.Stages {
		p := fmt.Sprintf("stages[%d]", i)
		v.id(p+".id", s.ID, seen)
		v.required(p+".name", s.Name)
		v.stageKind(p+".kind", s.Kind)
		v.stageNext(p+".next", s)
		v.idList(p+".interventions", "intervention", s.Interventions, v.knownIntervention)
		if s.EntryWhen != nil {
			v.rule(p+".entry_when", *s.EntryWhen)
		}
		if s.ReviewEveryMonths < 0 {
			v.add(p+".review_every_months", "must be >= 1 month, got %d", s.ReviewEveryMonths)
		}
		switch s.Kind {
		case KindReferral:
			referrals++
		case KindDischarge:
			discharges++
		default: // other kinds need no count
		}
	}
	if referrals != 1 {
		v.add("stages", "exactly one referral stage (the entry) is required, found %d", referrals)
	}
	if discharges == 0 {
		v.add("stages", "at least one discharge stage is required")
	}
}

func (v *validator) stageKind(path string, k StageKind) {
	if k == "" {
		v.add(path, "required")
		return
	}
	for _, known := range stageKinds {
		if k == known {
			return
		}
	}
	v.add(path, "unknown kind %q (want referral, triage, assessment, intervention, monitoring, outcome or discharge)", k)
}

func (v *validator) stageNext(path string, s Stage) {
	if s.Kind == KindDischarge && len(s.Next) > 0 {
		v.add(path, "a discharge stage is terminal and cannot have next stages")
	}
	v.idList(path, "stage", s.Next, v.knownStage)
}

// idList checks every reference in a list is known and listed once.
func (v *validator) idList(path, noun string, ids []string, known func(string) bool) {
	seen := map[string]bool{}
	for _, id := range ids {
		switch {
		case !known(id):
			v.add(path, "unknown %s %q", noun, id)
		case seen[id]:
			v.add(path, "%s %q listed twice", noun, id)
		}
		seen[id] = true
	}
}

// graph reports stages a journey can never enter from the entry stage, and
// stages from which a journey can never reach discharge.
func (v *validator) graph() {
	entry, ok := v.d.EntryStage()
	if !ok || v.countKind(KindReferral) != 1 {
		return
	}
	reached := v.reachableFrom(entry.ID)
	for i, s := range v.d.Stages {
		if !reached[s.ID] {
			v.add(fmt.Sprintf("stages[%d]", i), "unreachable from the entry stage %q", entry.ID)
		}
	}
	if v.countKind(KindDischarge) == 0 {
		return
	}
	ends := v.reachesDischarge()
	for i, s := range v.d.Stages {
		if !ends[s.ID] {
			v.add(fmt.Sprintf("stages[%d]", i), "can never reach a discharge stage")
		}
	}
}

func (v *validator) countKind(k StageKind) int {
	n := 0
	for _, s := range v.d.Stages {
		if s.Kind == k {
			n++
		}
	}
	return n
}

func (v *validator) reachableFrom(entry string) map[string]bool {
	reached := map[string]bool{entry: true}
	queue := []string{entry}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, n := range v.stages[cur].Next {
			if !reached[n] && v.knownStage(n) {
				reached[n] = true
				queue = append(queue, n)
			}
		}
	}
	return reached
}

// reachesDischarge returns the stages from which some path leads to a
// discharge stage, by iterating to a fixed point over the stage list.
func (v *validator) reachesDischarge() map[string]bool {
	ends := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for _, s := range v.d.Stages {
			if ends[s.ID] {
				continue
			}
			if s.Kind == KindDischarge || v.anyNextIn(s, ends) {
				ends[s.ID] = true
				changed = true
			}
		}
	}
	return ends
}

func (v *validator) anyNextIn(s Stage, set map[string]bool) bool {
	for _, n := range s.Next {
		if set[n] {
			return true
		}
	}
	return false
}

func (v *validator) dispositionList() {
	if v.countKind(KindTriage) > 0 && len(v.d.Dispositions) == 0 {
		v.add("dispositions", "at least one disposition is required: the pathway has a triage stage")
	}
	seen := map[string]bool{}
	for i, x := range v.d.Dispositions {
		p := fmt.Sprintf("dispositions[%d]", i)
		v.id(p+".id", x.ID, seen)
		v.required(p+".name", x.Name)
		v.ref(p+".stage", "stage", x.Stage, v.knownStage)
		if v.knownStage(x.Stage) && !v.followsTriage(x.Stage) {
			v.add(p+".stage", "stage %q is not a next stage of any triage stage", x.Stage)
		}
		v.dispositionRTT(p+".rtt", x.RTT)
	}
}

func (v *validator) followsTriage(stage string) bool {
	for _, s := range v.d.Stages {
		if s.Kind == KindTriage && v.anyNextIn(s, map[string]bool{stage: true}) {
			return true
		}
	}
	return false
}

func (v *validator) dispositionRTT(path string, e RTTEffect) {
	switch e {
	case "", RTTNone:
	case RTTStart, RTTStop:
		if v.d.SLA.RTT == nil {
			v.add(path, "uses the RTT clock but sla.rtt is not defined")
		}
	default:
		v.add(path, "unknown RTT effect %q (want start, stop or none)", e)
	}
}
