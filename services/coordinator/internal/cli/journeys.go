package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	journeyv1 "github.com/nhs-pathways/pathways/api/proto/pathways/journey/v1"
)

type command func(ctx context.Context, c *call, args []string) error

var commands = map[string]command{
	"submit": submit, "worklist": worklist, "show": show,
	"triage": triage, "schedule": schedule, "start": startIntervention, "complete": completeIntervention,
	"dna": didNotAttend, "outcome": outcome, "discharge": discharge, "cancel": cancel, "migrate": migrate, "admit": admit,
	"erase":    erase,
	"pathways": pathways, "login": login, "logout": logout, "token": token, "whoami": whoami,
}

func submit(ctx context.Context, c *call, args []string) error {
	fs := c.newFlags("submit")
	req := &coordinatorv1.SubmitReferralRequest{}
	var segment, source, referredAt string
	fs.StringVar(&req.ReferralId, "referral-id", "", "your referral id (the idempotency key)")
	fs.StringVar(&req.PathwayId, "pathway", "", "pathway id, e.g. msk")
	fs.StringVar(&req.NhsNumber, "nhs-number", "", "the patient's NHS number (10 digits)")
	fs.StringVar(&req.PracticeOdsCode, "practice", "", "registered GP practice ODS code, e.g. A81001")
	fs.StringVar(&req.PcnOdsCode, "pcn", "", "PCN ODS code, e.g. U12345")
	fs.StringVar(&segment, "segment", "", "GENERALLY_HEALTHY, LONG_TERM_CONDITIONS (LTC) or COMPLEX")
	fs.StringVar(&source, "source", "", "GP, FCP or SELF")
	fs.StringVar(&req.Reason, "reason", "", "reason for referral")
	fs.StringVar(&referredAt, "referred-at", "", "when the referral was made (RFC3339; default now)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var err error
	if req.Segment, err = parseSegment(segment); err != nil {
		return err
	}
	if req.Source, err = parseSource(source); err != nil {
		return err
	}
	if req.ReferredAt, err = parseTime("referred-at", referredAt, time.Now().Truncate(time.Second)); err != nil {
		return err
	}
	client, err := c.coordinator(ctx)
	if err != nil {
		return err
	}
	resp, err := client.SubmitReferral(ctx, req)
	if status.Code(err) == codes.AlreadyExists && referredAt == "" {
		fmt.Fprintf(c.stderr, "pathwayctl: -referred-at was left out, so it was now (%s); to repeat a submission, give the first one's -referred-at\n",
			when(req.GetReferredAt()))
	}
	if err != nil {
		return err
	}
	return c.print(resp, func(w *tabwriter.Writer) {
		row(w, "JOURNEY", "CREATED", "REFERRED AT")
		row(w, resp.GetJourneyId(), resp.GetCreated(), when(req.GetReferredAt()))
	})
}

func worklist(ctx context.Context, c *call, args []string) error {
	fs := c.newFlags("worklist")
	req := &coordinatorv1.ListWorklistRequest{}
	var segment string
	var size int
	fs.StringVar(&req.PathwayId, "pathway", "", "only this pathway")
	fs.StringVar(&req.PcnOdsCode, "pcn", "", "only this PCN")
	fs.StringVar(&segment, "segment", "", "only this segment")
	fs.IntVar(&size, "page-size", 0, "journeys per page (default 50)")
	fs.StringVar(&req.PageToken, "page-token", "", "next page token of the previous page")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("worklist needs one of awaiting-triage, breached, in-intervention, due-follow-up")
	}
	name := "WORKLIST_" + strings.ToUpper(strings.ReplaceAll(pos[0], "-", "_"))
	w, ok := coordinatorv1.Worklist_value[name]
	if !ok || w == 0 {
		return usagef("unknown worklist %q: use awaiting-triage, breached, in-intervention or due-follow-up", pos[0])
	}
	req.Worklist, req.PageSize = coordinatorv1.Worklist(w), int32(size)
	if segment != "" {
		if req.Segment, err = parseSegment(segment); err != nil {
			return err
		}
	}
	client, err := c.coordinator(ctx)
	if err != nil {
		return err
	}
	resp, err := client.ListWorklist(ctx, req)
	if err != nil {
		return err
	}
	return c.print(resp, func(w *tabwriter.Writer) {
		row(w, "JOURNEY", "PATHWAY", "STAGE", "PCN", "SEGMENT", "TRIAGE DUE", "BREACHED")
		for _, i := range resp.GetItems() {
			row(w, i.GetJourneyId(), fmt.Sprintf("%s v%d", i.GetPathwayId(), i.GetVersion()), i.GetStage(), i.GetPcnOdsCode(),
				strings.TrimPrefix(i.GetSegment().String(), "SEGMENT_"), when(i.GetTriageDueAt()), breached(i))
		}
		if t := resp.GetNextPageToken(); t != "" {
			row(w, "next page: -page-token "+t)
		}
	})
}

func breached(i *coordinatorv1.WorklistItem) string {
	var b []string
	if i.GetTriageBreached() {
		b = append(b, "triage")
	}
	if i.GetRttBreached() {
		b = append(b, "rtt")
	}
	return dash(strings.Join(b, ","))
}

func parseSegment(s string) (journeyv1.Segment, error) {
	n := strings.ToUpper(strings.ReplaceAll(trim(s), "-", "_"))
	if n == "LTC" {
		n = "LONG_TERM_CONDITIONS"
	}
	v, ok := journeyv1.Segment_value["SEGMENT_"+n]
	if s != "" && !ok {
		return 0, usagef("-segment: %q is not GENERALLY_HEALTHY, LONG_TERM_CONDITIONS (LTC) or COMPLEX", s)
	}
	return journeyv1.Segment(v), nil
}

func parseSource(s string) (journeyv1.ReferralSource, error) {
	n := strings.ToUpper(strings.ReplaceAll(trim(s), "-", "_"))
	if n == "FCP" {
		n = "FIRST_CONTACT_PRACTITIONER"
	}
	v, ok := journeyv1.ReferralSource_value["REFERRAL_SOURCE_"+n]
	if s != "" && !ok {
		return 0, usagef("-source: %q is not GP, FCP or SELF", s)
	}
	return journeyv1.ReferralSource(v), nil
}

func parseTime(flagName, s string, def time.Time) (*timestamppb.Timestamp, error) {
	if s == "" {
		if def.IsZero() {
			return nil, nil
		}
		return timestamppb.New(def), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil, usagef("-%s: %q is not an RFC3339 time (e.g. 2026-03-02T09:00:00Z)", flagName, s)
	}
	return timestamppb.New(t), nil
}
