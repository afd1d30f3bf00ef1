// Package access is the one access table of pathways: for every RPC and HTTP route of every
// service, which roles (from a person's access token) and which services (from the client
// certificate of a mutual TLS connection) may call it, and how far a person's access reaches.
// Each service's identity interceptor enforces its own Policy from here; README.md shows the
// same table, rendered by Markdown and checked by this package's tests, and a test fails when
// an RPC has no row.
package access

import (
	coordinatorv1 "github.com/nhs-pathways/pathways/api/proto/pathways/coordinator/v1"
	dashboardv1 "github.com/nhs-pathways/pathways/api/proto/pathways/dashboard/v1"
	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	governancev1 "github.com/nhs-pathways/pathways/api/proto/pathways/governance/v1"
	"github.com/nhs-pathways/pathways/services/platform/identity"
)

// The roles a person's token may carry (lower case; an organisation's own role names map to
// them through the claim mapping).
const (
	Coordinator   = "coordinator"    // runs patients' journeys in their own PCNs
	Author        = "author"         // drafts pathway versions
	Reviewer      = "reviewer"       // reviews versions of their Expert Oversight Groups
	Publisher     = "publisher"      // publishes and retires approved versions
	FinanceAdmin  = "finance-admin"  // creates and amends contracts, settles incentives
	FinanceReader = "finance-reader" // reads budgets, statements, exports and the feed
	Board         = "board"          // reads the System Dashboard
	Auditor       = "auditor"        // reads the access audit trail
	// InformationGovernance acts on patients' identifying data for the organisation's information
	// governance: erasure by destroying a patient's data key.
	InformationGovernance = "information-governance"
)

// Roles lists the roles in the order the table shows them.
var Roles = []string{Coordinator, Author, Reviewer, Publisher, FinanceAdmin, FinanceReader, Board, Auditor, InformationGovernance}

// The services, by the name in their certificate's SPIFFE ID (spiffe://pathways.local/<name>).
const (
	WorkerService        = "worker"         // runs the journeys; pushes facts to finance and the dashboard
	CoordinatorService   = "coordinator"    // reads pathway versions from governance
	DashboardService     = "dashboard"      // reads budget positions from finance
	FinanceService       = "finance"        // the finance service itself
	FinanceSystemService = "finance-system" // the finance systems that follow the capitation feed
	PrometheusService    = "prometheus"     // scrapes /metrics
)

func rule(roles ...string) identity.Rule { return identity.Rule{Roles: roles} }

func scoped(roles ...string) identity.Rule {
	return identity.Rule{Roles: roles, Scope: identity.ScopeOwnOrgs}
}

func services(r identity.Rule, names ...string) identity.Rule {
	r.Services = append(r.Services, names...)
	return r
}

var public = identity.Rule{Public: true}

const (
	coord = "/" + "pathways.coordinator.v1.CoordinatorService/"
	audit = "/" + "pathways.coordinator.v1.AccessAuditService/"
	pdata = "/" + "pathways.coordinator.v1.PatientDataService/"
	gov   = "/" + "pathways.governance.v1.GovernanceService/"
	fin   = "/" + "pathways.finance.v1.FinanceService/"
	feed  = "/" + "pathways.finance.v1.FinanceFeedService/"
	fing  = "/" + "pathways.finance.v1.FinanceIngestService/"
	dashq = "/" + "pathways.dashboard.v1.DashboardQueryService/"
	dashi = "/" + "pathways.dashboard.v1.DashboardIngestService/"
)

// readVersions may read pathway versions: everyone who works with pathways, and the services
// that interpret them.
var readVersions = services(rule(Coordinator, Author, Reviewer, Publisher, FinanceAdmin, FinanceReader, Board, Auditor),
	CoordinatorService, WorkerService, FinanceService)

// readFigures may read the System Dashboard's aggregate figures (no patient-level data).
var readFigures = rule(Board, Coordinator, FinanceAdmin, FinanceReader, Auditor)

// CoordinatorPolicy is the coordinator's table (gRPC and its REST gateway, which calls the same RPCs).
var CoordinatorPolicy = identity.Policy{
	coord + "SubmitReferral":        scoped(Coordinator),
	coord + "GetJourney":            scoped(Coordinator),
	coord + "ListWorklist":          scoped(Coordinator),
	coord + "Triage":                scoped(Coordinator),
	coord + "ScheduleIntervention":  scoped(Coordinator),
	coord + "StartIntervention":     scoped(Coordinator),
	coord + "CompleteIntervention":  scoped(Coordinator),
	coord + "RecordDidNotAttend":    scoped(Coordinator),
	coord + "RecordOutcome":         scoped(Coordinator),
	coord + "Discharge":             scoped(Coordinator),
	coord + "Cancel":                scoped(Coordinator),
	coord + "MigrateVersion":        scoped(Coordinator),
	coord + "RecordAdmission":       scoped(Coordinator),
	"GET /openapi.json":             public,
	"GET /openapi-audit.json":       public,
	audit + "ListAccess":            rule(Auditor),
	"GET /openapi-patientdata.json": public,
	pdata + "ErasePatient":          rule(InformationGovernance),
	"GET /metrics":                  services(identity.Rule{}, PrometheusService),
	// The codec server (platform/payloadcrypt): the Temporal Web UI shows journeys' payloads
	// decrypted to the people who may read them; encoding (the UI's start and signal forms) is
	// for the people who run journeys.
	"POST /codec/decode": rule(Coordinator, Auditor),
	"POST /codec/encode": rule(Coordinator),
}

// GovernancePolicy is governance's table.
var GovernancePolicy = identity.Policy{
	gov + "CreateDraft":        rule(Author),
	gov + "UpdateDraft":        rule(Author),
	gov + "SubmitForReview":    rule(Author),
	gov + "Review":             rule(Reviewer),
	gov + "Publish":            rule(Publisher),
	gov + "Retire":             rule(Publisher),
	gov + "GetVersion":         readVersions,
	gov + "ListVersions":       readVersions,
	gov + "DiffVersions":       readVersions,
	gov + "GetVersionInEffect": readVersions,
	gov + "GetHistory":         readVersions,
	"GET /metrics":             services(identity.Rule{}, PrometheusService),
}

// FinancePolicy is finance's table: contracts for administrators, figures and statements for
// finance people, ingest for the journey worker only.
var FinancePolicy = identity.Policy{
	fin + "CreateContract":         rule(FinanceAdmin),
	fin + "AmendContract":          rule(FinanceAdmin),
	fin + "SettleOutcomeIncentive": rule(FinanceAdmin),
	fin + "GetContract":            services(rule(FinanceAdmin, FinanceReader), DashboardService),
	fin + "GetBudgetPosition":      services(rule(FinanceAdmin, FinanceReader), DashboardService),
	fin + "GetProviderStatement":   rule(FinanceAdmin, FinanceReader),
	fin + "ExportMonth":            rule(FinanceAdmin, FinanceReader),
	feed + "Follow":                services(rule(FinanceAdmin, FinanceReader), FinanceSystemService),
	fing + "RecordActivity":        services(identity.Rule{}, WorkerService),
	fing + "RecordOutcome":         services(identity.Rule{}, WorkerService),
	"GET /export.csv":              rule(FinanceAdmin, FinanceReader),
	"GET /metrics":                 services(identity.Rule{}, PrometheusService),
}

// DashboardPolicy is the dashboard's table: aggregate figures for the board and the people who
// run the pathways, ingest for the journey worker only.
var DashboardPolicy = identity.Policy{
	dashi + "RecordJourneyFact":    services(identity.Rule{}, WorkerService),
	dashq + "GetSystemFigures":     readFigures,
	dashq + "GetPopulationFigures": readFigures,
	dashq + "ListDimensions":       readFigures,
	dashq + "ExportFigures":        readFigures,
	"GET /{$}":                     readFigures,
	"GET /export.csv":              readFigures,
	"GET /static/":                 public,
	"GET /auth/login":              public, // sign-in: authorization code flow + PKCE at the provider
	"GET /auth/callback":           public,
	"POST /auth/logout":            public, // CSRF token and same origin checked by the page
	"GET /healthz":                 public,
	"GET /metrics":                 services(identity.Rule{}, PrometheusService),
}

// Services lists every service's table with the gRPC services it serves, for the tests that
// check every RPC has a row and for the rendered table.
var Services = []struct {
	Name   string
	Policy identity.Policy
	GRPC   []string
}{
	{"coordinator", CoordinatorPolicy, []string{coordinatorv1.CoordinatorService_ServiceDesc.ServiceName,
		coordinatorv1.AccessAuditService_ServiceDesc.ServiceName, coordinatorv1.PatientDataService_ServiceDesc.ServiceName}},
	{"governance", GovernancePolicy, []string{governancev1.GovernanceService_ServiceDesc.ServiceName}},
	{"finance", FinancePolicy, []string{financev1.FinanceService_ServiceDesc.ServiceName,
		financev1.FinanceFeedService_ServiceDesc.ServiceName, financev1.FinanceIngestService_ServiceDesc.ServiceName}},
	{"dashboard", DashboardPolicy, []string{dashboardv1.DashboardQueryService_ServiceDesc.ServiceName,
		dashboardv1.DashboardIngestService_ServiceDesc.ServiceName}},
}

// Markdown renders every service's table, one section per service, as README.md shows it.
func Markdown() string {
	var out string
	for _, s := range Services {
		out += "#### " + s.Name + "\n\n" + s.Policy.Markdown(Roles) + "\n"
	}
	return out
}
