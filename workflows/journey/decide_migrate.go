package journey

import (
	"fmt"
	"strings"

	"go.temporal.io/sdk/temporal"

	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
	"github.com/nhs-pathways/pathways/workflows/pathway"
)

// checkMigrate validates a MigrateVersion request and returns the parsed target version.
func checkMigrate(s *State, cur *pathway.Definition, req MigrateVersionRequest) (*pathway.Definition, error) {
	if err := requireActive(s); err != nil {
		return nil, err
	}
	if err := requireText("requestedBy", req.RequestedBy); err != nil {
		return nil, err
	}
	if err := requireText("reason", req.Reason); err != nil {
		return nil, err
	}
	if req.TargetVersion < 1 || req.TargetVersion == s.Version {
		return nil, invalidRequest("targetVersion", fmt.Sprintf("must be a version of %s other than the pinned v%d, got %d", s.PathwayID, s.Version, req.TargetVersion))
	}
	target, err := pathway.Parse([]byte(req.DefinitionYAML))
	if err != nil {
		return nil, invalidRequest("definitionYaml", "does not parse as a valid pathway version: "+err.Error())
	}
	if target.ID != s.PathwayID || target.Version != req.TargetVersion {
		return nil, invalidRequest("definitionYaml", fmt.Sprintf("is %s v%d, want %s v%d", target.ID, target.Version, s.PathwayID, req.TargetVersion))
	}
	if problems := incompatibilities(s, cur, target); len(problems) > 0 {
		return nil, temporal.NewApplicationErrorWithOptions(
			fmt.Sprintf("%s v%d cannot take journey %s at stage %q: %s", target.ID, target.Version, s.JourneyID, s.Stage, strings.Join(problems, "; ")),
			ErrIncompatibleVersion, temporal.ApplicationErrorOptions{NonRetryable: true, Details: []any{problems}})
	}
	return target, nil
}

// incompatibilities lists why the target version cannot take the journey where it is: the current
// stage must exist with the same kind and lead on (unless terminal), every booked or running
// intervention must be in the target catalogue, and a pending triage needs a triage stage.
func incompatibilities(s *State, def, target *pathway.Definition) []string {
	var out []string
	cur, _ := def.Stage(s.Stage)
	st, ok := target.Stage(s.Stage)
	switch {
	case !ok:
		return []string{fmt.Sprintf("stage %q does not exist in the target version", s.Stage)}
	case st.Kind != cur.Kind:
		out = append(out, fmt.Sprintf("stage %q is a %s stage in the target version, not %s", s.Stage, st.Kind, cur.Kind))
	case st.Kind != pathway.KindDischarge && len(st.Next) == 0:
		out = append(out, fmt.Sprintf("stage %q leads nowhere in the target version", s.Stage))
	}
	for _, iv := range s.Interventions {
		if iv.Status != InterventionScheduled && iv.Status != InterventionStarted {
			continue
		}
		if _, ok := target.Intervention(iv.Code); !ok {
			out = append(out, fmt.Sprintf("intervention %s (%s) is %s but not in the target catalogue", iv.ID, iv.Code, iv.Status))
		}
	}
	if s.Triage.CompletedAt == nil && len(target.Dispositions) == 0 {
		out = append(out, "triage is pending but the target version has no dispositions")
	}
	return out
}

func decideMigrate(c *change, target *pathway.Definition, req MigrateVersionRequest) {
	s := c.s
	from := c.pathwayRef()
	s.Version, s.DefinitionYAML = target.Version, req.DefinitionYAML
	s.Migrations++
	c.def = target
	c.emit(&journeyv1.PathwayVersionMigrated{
		JourneyId: s.JourneyID, RequestId: c.reqID, From: from, To: c.pathwayRef(), Stage: s.Stage,
		RequestedBy: req.RequestedBy, Reason: req.Reason, OccurredAt: c.ts(), NoteSealed: req.NoteSealed,
	})
}
