package cli

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
)

var pathwayCommands = map[string]command{
	"list": listVersions, "show": showVersion, "diff": diffVersions, "draft": draftVersion,
	"submit": submitVersion, "review": reviewVersion, "publish": publishVersion,
}

func pathways(ctx context.Context, c *call, args []string) error {
	if len(args) == 0 {
		return usagef("pathways needs one of list, show, diff, draft, submit, review, publish")
	}
	cmd, ok := pathwayCommands[args[0]]
	if !ok {
		return usagef("unknown pathways command %q: use list, show, diff, draft, submit, review or publish", args[0])
	}
	return cmd(ctx, c, args[1:])
}

// pathwayVersion reads PATHWAY VERSION positional arguments.
func pathwayVersion(name string, pos []string) (string, int32, error) {
	if len(pos) != 2 {
		return "", 0, usagef("pathways %s needs PATHWAY VERSION", name)
	}
	v, err := strconv.ParseInt(pos[1], 10, 32)
	if err != nil || v < 1 {
		return "", 0, usagef("pathways %s: version %q must be a number from 1", name, pos[1])
	}
	return pos[0], int32(v), nil
}

func versionTable(w *tabwriter.Writer, vs ...*governancev1.PathwayVersion) {
	row(w, "PATHWAY", "VERSION", "STATUS", "TITLE", "EOG", "EFFECTIVE FROM", "APPROVALS")
	for _, v := range vs {
		row(w, v.GetPathwayId(), v.GetVersion(), strings.TrimPrefix(v.GetStatus().String(), "VERSION_STATUS_"), v.GetTitle(),
			dash(v.GetOwningEog()), when(v.GetEffectivePeriod().GetStart()), len(v.GetApprovals()))
	}
}

func listVersions(ctx context.Context, c *call, args []string) error {
	fs := c.newFlags("pathways list")
	pathway := fs.String("pathway", "", "only this pathway")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	gov, err := c.governance(ctx)
	if err != nil {
		return err
	}
	resp, err := gov.ListVersions(ctx, &governancev1.ListVersionsRequest{PathwayId: *pathway, PageSize: 500})
	if err != nil {
		return err
	}
	return c.print(resp, func(w *tabwriter.Writer) { versionTable(w, resp.GetVersions()...) })
}

func showVersion(ctx context.Context, c *call, args []string) error {
	id, v, err := pathwayVersion("show", args)
	if err != nil {
		return err
	}
	gov, err := c.governance(ctx)
	if err != nil {
		return err
	}
	resp, err := gov.GetVersion(ctx, &governancev1.GetVersionRequest{PathwayId: id, Version: v})
	if err != nil {
		return err
	}
	return c.print(resp, func(w *tabwriter.Writer) {
		versionTable(w, resp.GetVersion())
		row(w, "")
		fmt.Fprint(w, resp.GetDocumentYaml())
	})
}

func diffVersions(ctx context.Context, c *call, args []string) error {
	if len(args) != 3 {
		return usagef("pathways diff needs PATHWAY FROM TO")
	}
	_, from, err := pathwayVersion("diff", args[:2])
	if err != nil {
		return err
	}
	_, to, err := pathwayVersion("diff", []string{args[0], args[2]})
	if err != nil {
		return err
	}
	gov, err := c.governance(ctx)
	if err != nil {
		return err
	}
	resp, err := gov.DiffVersions(ctx, &governancev1.DiffVersionsRequest{PathwayId: args[0], FromVersion: from, ToVersion: to})
	if err != nil {
		return err
	}
	return c.print(resp, func(w *tabwriter.Writer) {
		row(w, "KIND", "AREA", "PATH", "CHANGE")
		for _, ch := range resp.GetChanges() {
			row(w, ch.GetKind(), ch.GetArea(), ch.GetPath(), ch.GetSummary())
		}
	})
}

func draftVersion(ctx context.Context, c *call, args []string) error {
	fs := c.newFlags("pathways draft")
	req := &governancev1.CreateDraftRequest{}
	var from int
	var file string
	fs.IntVar(&from, "from", 0, "copy this published or retired version (0: empty draft)")
	fs.StringVar(&req.Title, "title", "", "title (new pathways)")
	fs.StringVar(&req.OwningEog, "eog", "", "owning Expert Oversight Group (new pathways)")
	fs.StringVar(&req.Reason, "reason", "", "why")
	fs.StringVar(&file, "file", "", "a YAML document to put in the draft")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("pathways draft needs PATHWAY")
	}
	req.PathwayId, req.FromVersion = pos[0], int32(from)
	var doc []byte
	if file != "" {
		if doc, err = os.ReadFile(file); err != nil { //nolint:gosec // the user names the file
			return usagef("-file: %v", err)
		}
	}
	gov, err := c.governance(ctx)
	if err != nil {
		return err
	}
	created, err := gov.CreateDraft(ctx, req)
	if err != nil {
		return err
	}
	v := created.GetVersion()
	if doc != nil {
		upd, err := gov.UpdateDraft(ctx, &governancev1.UpdateDraftRequest{PathwayId: v.GetPathwayId(), Version: v.GetVersion(),
			ExpectedRevision: v.GetRevision(), DocumentYaml: string(doc), Reason: req.GetReason()})
		if err != nil {
			return err
		}
		v = upd.GetVersion()
	}
	return c.print(v, func(w *tabwriter.Writer) { versionTable(w, v) })
}

func submitVersion(ctx context.Context, c *call, args []string) error {
	fs := c.newFlags("pathways submit")
	reason := fs.String("reason", "", "why")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	id, v, err := pathwayVersion("submit", pos)
	if err != nil {
		return err
	}
	gov, err := c.governance(ctx)
	if err != nil {
		return err
	}
	resp, err := gov.SubmitForReview(ctx, &governancev1.SubmitForReviewRequest{PathwayId: id, Version: v, Reason: *reason})
	if err != nil {
		return err
	}
	return c.print(resp, func(w *tabwriter.Writer) { versionTable(w, resp.GetVersion()) })
}

func reviewVersion(ctx context.Context, c *call, args []string) error {
	fs := c.newFlags("pathways review")
	decision := fs.String("decision", "", "approve or request-changes")
	comment := fs.String("comment", "", "a comment")
	reason := fs.String("reason", "", "why")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	id, v, err := pathwayVersion("review", pos)
	if err != nil {
		return err
	}
	d, ok := governancev1.ReviewDecision_value["REVIEW_DECISION_"+strings.ToUpper(strings.ReplaceAll(*decision, "-", "_"))]
	if !ok || d == 0 {
		return usagef("-decision must be approve or request-changes, not %q", *decision)
	}
	req := &governancev1.ReviewRequest{PathwayId: id, Version: v, Decision: governancev1.ReviewDecision(d), Reason: *reason}
	if *comment != "" {
		req.Comments = []*governancev1.ReviewComment{{Text: *comment}}
	}
	gov, err := c.governance(ctx)
	if err != nil {
		return err
	}
	resp, err := gov.Review(ctx, req)
	if err != nil {
		return err
	}
	return c.print(resp, func(w *tabwriter.Writer) { versionTable(w, resp.GetVersion()) })
}

func publishVersion(ctx context.Context, c *call, args []string) error {
	fs := c.newFlags("pathways publish")
	from := fs.String("effective-from", "", "when it takes effect (RFC3339; default now)")
	reason := fs.String("reason", "", "why")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	id, v, err := pathwayVersion("publish", pos)
	if err != nil {
		return err
	}
	eff, err := parseTime("effective-from", *from, time.Time{})
	if err != nil {
		return err
	}
	gov, err := c.governance(ctx)
	if err != nil {
		return err
	}
	resp, err := gov.Publish(ctx, &governancev1.PublishRequest{PathwayId: id, Version: v, EffectiveFrom: eff, Reason: *reason})
	if err != nil {
		return err
	}
	return c.print(resp, func(w *tabwriter.Writer) { versionTable(w, resp.GetVersion()) })
}
