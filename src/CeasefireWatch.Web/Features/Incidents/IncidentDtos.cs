using CeasefireWatch.Web.Domain;

namespace CeasefireWatch.Web.Features.Incidents;

/// <summary>An incident as the API and the pages show it (CONTRACT.md). Instants are UTC.</summary>
public sealed record IncidentDto(
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
    DateTime CreatedAt,
    string CreatedBy,
    DateTime? DiplomaticWarningIssuedAt,
    string? ResolutionReason)
{
    public static IncidentDto From(Incident i) => new(
        i.Id, i.Reference, i.Title, i.Status, i.Stage, i.OccurredAt, i.NextStageAt, i.CeasedAt, i.Oblast, i.Location,
        i.Latitude, i.Longitude, i.ViolationType, i.Severity, i.SourceType, i.Description, i.Killed, i.Wounded,
        i.CreatedAt, i.CreatedBy, i.DiplomaticWarningIssuedAt, i.ResolutionReason);
}

/// <summary>One incident with its whole history, for <c>GET /api/incidents/{id}</c> and the incident page.</summary>
public sealed record IncidentDetailsDto(
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
    DateTime CreatedAt,
    string CreatedBy,
    DateTime? DiplomaticWarningIssuedAt,
    string? ResolutionReason,
    IReadOnlyList<TimelineEntryDto> Timeline,
    IReadOnlyList<ReportDto> Reports)
{
    public static IncidentDetailsDto From(Incident i) => new(
        i.Id, i.Reference, i.Title, i.Status, i.Stage, i.OccurredAt, i.NextStageAt, i.CeasedAt, i.Oblast, i.Location,
        i.Latitude, i.Longitude, i.ViolationType, i.Severity, i.SourceType, i.Description, i.Killed, i.Wounded,
        i.CreatedAt, i.CreatedBy, i.DiplomaticWarningIssuedAt, i.ResolutionReason,
        [.. i.Timeline.OrderBy(e => e.At).ThenBy(e => e.Id).Select(TimelineEntryDto.From)],
        [.. i.Reports.OrderBy(r => r.ReportedAt).ThenBy(r => r.Id).Select(ReportDto.From)]);
}

public sealed record TimelineEntryDto(long Id, DateTime At, TimelineKind Kind, Stage Stage, string Actor, string Details, DateTime? DueAt)
{
    public static TimelineEntryDto From(TimelineEntry e) => new(e.Id, e.At, e.Kind, e.Stage, e.Actor, e.Details, e.DueAt);
}

public sealed record ReportDto(
    long Id,
    bool IsInitial,
    DateTime OccurredAt,
    DateTime ReportedAt,
    string ReportedBy,
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
    DateTime? VerifiedAt,
    string? VerifiedBy)
{
    public static ReportDto From(ViolationReport r) => new(
        r.Id, r.IsInitial, r.OccurredAt, r.ReportedAt, r.ReportedBy, r.Oblast, r.Location, r.Latitude, r.Longitude,
        r.ViolationType, r.Severity, r.SourceType, r.Description, r.Killed, r.Wounded, r.VerifiedAt, r.VerifiedBy);
}

public sealed record PagedResult<T>(IReadOnlyList<T> Items, int Total);
