using System.Text.Json.Serialization;
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
    string? ResolutionReason,
    Verification Verification,
    int? MergedIntoId,
    bool Held,
    bool LargerScaleFlagged,
    IReadOnlyList<ChecklistItemDto> Checklist,
    // In the answers of the calls that act on one incident (as GET /api/incidents/{id} has it: empty before tier 2);
    // left out of the list's rows and of a new report's 201, which do not read the coalition's answers.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<CoalitionAnswerDto>? Coalition = null)
{
    /// <summary>The incident as it stands at <paramref name="now"/> (the checklist's overdue flags depend on it).</summary>
    public static IncidentDto From(Incident i, DateTime now, TimeSpan overdueAfter) => new(
        i.Id, i.Reference, i.Title, i.Status, i.Stage, i.OccurredAt, i.NextStageAt, i.CeasedAt, i.Oblast, i.Location,
        i.Latitude, i.Longitude, i.ViolationType, i.Severity, i.SourceType, i.Description, i.Killed, i.Wounded,
        i.CreatedAt, i.CreatedBy, i.DiplomaticWarningIssuedAt, i.ResolutionReason,
        i.Verification, i.MergedIntoId, i.IsHeld, i.LargerScaleFlaggedAt is not null,
        [.. i.Checklist(now, overdueAfter).Select(ChecklistItemDto.From)]);
}

/// <summary>One item of a tier's checklist (CONTRACT.md: stage, item, done, doneAt, overdue).</summary>
public sealed record ChecklistItemDto(Stage Stage, ChecklistItem Item, bool Done, DateTime? DoneAt, bool Overdue)
{
    public static ChecklistItemDto From(Incident.ChecklistEntry e) => new(e.Stage, e.Item, e.Done, e.DoneAt, e.Overdue);
}

/// <summary>A roster member's answer to the incident (CONTRACT.md: country, lead, state or null, at).</summary>
public sealed record CoalitionAnswerDto(string Country, bool Lead, AcknowledgementState? State, DateTime? At, string? Note, string? By)
{
    /// <summary>Every roster member, leads first, with its latest answer (or none yet).</summary>
    public static IReadOnlyList<CoalitionAnswerDto> Matrix(Incident i, IReadOnlyList<RosterMember> roster)
    {
        var latest = i.LatestAnswers();
        return [.. roster.OrderByDescending(m => m.Lead).ThenBy(m => m.Country, StringComparer.Ordinal).Select(m =>
            latest.TryGetValue(m.Country, out var a)
                ? new CoalitionAnswerDto(m.Country, m.Lead, a.State, a.At, a.Note, a.By)
                : new CoalitionAnswerDto(m.Country, m.Lead, null, null, null, null))];
    }
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
    Verification Verification,
    int? MergedIntoId,
    bool Held,
    bool LargerScaleFlagged,
    string? DiplomaticWarningRecipient,
    string? DiplomaticWarningChannel,
    IReadOnlyList<ChecklistItemDto> Checklist,
    IReadOnlyList<CoalitionAnswerDto> Coalition,
    IReadOnlyList<TimelineEntryDto> Timeline,
    IReadOnlyList<ReportDto> Reports)
{
    public static IncidentDetailsDto From(Incident i, IReadOnlyList<RosterMember> roster, DateTime now, TimeSpan overdueAfter) => new(
        i.Id, i.Reference, i.Title, i.Status, i.Stage, i.OccurredAt, i.NextStageAt, i.CeasedAt, i.Oblast, i.Location,
        i.Latitude, i.Longitude, i.ViolationType, i.Severity, i.SourceType, i.Description, i.Killed, i.Wounded,
        i.CreatedAt, i.CreatedBy, i.DiplomaticWarningIssuedAt, i.ResolutionReason,
        i.Verification, i.MergedIntoId, i.IsHeld, i.LargerScaleFlaggedAt is not null,
        i.DiplomaticWarningRecipient, i.DiplomaticWarningChannel,
        [.. i.Checklist(now, overdueAfter).Select(ChecklistItemDto.From)],
        i.Stage >= Stage.Coalition ? CoalitionAnswerDto.Matrix(i, roster) : [],
        [.. i.Timeline.OrderBy(e => e.At).ThenBy(e => e.Id).Select(TimelineEntryDto.From)],
        [.. i.Reports.OrderBy(r => r.ReportedAt).ThenBy(r => r.Id).Select(ReportDto.From)]);
}

public sealed record TimelineEntryDto(long Id, DateTime At, TimelineKind Kind, Stage Stage, string Actor, string Details, DateTime? DueAt, string? MergedFrom)
{
    public static TimelineEntryDto From(TimelineEntry e) => new(e.Id, e.At, e.Kind, e.Stage, e.Actor, e.Details, e.DueAt, e.MergedFrom);
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
    string? VerifiedBy,
    string? MergedFrom)
{
    public static ReportDto From(ViolationReport r) => new(
        r.Id, r.IsInitial, r.OccurredAt, r.ReportedAt, r.ReportedBy, r.Oblast, r.Location, r.Latitude, r.Longitude,
        r.ViolationType, r.Severity, r.SourceType, r.Description, r.Killed, r.Wounded, r.VerifiedAt, r.VerifiedBy, r.MergedFrom);
}

public sealed record PagedResult<T>(IReadOnlyList<T> Items, int Total);
