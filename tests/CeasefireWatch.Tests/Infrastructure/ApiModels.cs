using CeasefireWatch.Web.Domain;

namespace CeasefireWatch.Tests.Infrastructure;

// What the tests read back from the JSON API, written from CONTRACT.md rather than borrowed from the app's
// DTOs. Enums are read by name only (CeasefireWatchFactory.Json refuses integers), instants as UTC.

public sealed record IncidentResponse(
    int Id,
    string Reference,
    string Title,
    IncidentStatus Status,
    Stage Stage,
    DateTime OccurredAt,
    DateTime? NextStageAt,
    DateTime? CeasedAt,
    string Oblast,
    string Location,
    double? Latitude,
    double? Longitude,
    ViolationType ViolationType,
    Severity Severity,
    SourceType SourceType,
    string Description,
    int? Killed,
    int? Wounded,
    string CreatedBy,
    DateTime? DiplomaticWarningIssuedAt,
    string? ResolutionReason,
    IReadOnlyList<TimelineEntryResponse>? Timeline,
    IReadOnlyList<ReportResponse>? Reports = null)
{
    /// <summary>The timeline, failing when the response carried none (only GET by id has it).</summary>
    public IReadOnlyList<TimelineEntryResponse> Entries =>
        Timeline ?? throw new InvalidOperationException("This response has no timeline.");

    public IReadOnlyList<TimelineEntryResponse> StagesEntered =>
        [.. Entries.Where(e => e.Kind == TimelineKind.StageEntered)];
}

public sealed record TimelineEntryResponse(DateTime At, TimelineKind Kind, Stage Stage, string Actor, string Details, DateTime? DueAt);

public sealed record ReportResponse(long Id, bool IsInitial, DateTime OccurredAt, string ReportedBy, DateTime? VerifiedAt, string? VerifiedBy);

public sealed record IncidentPage(IReadOnlyList<IncidentResponse> Items, int Total);
