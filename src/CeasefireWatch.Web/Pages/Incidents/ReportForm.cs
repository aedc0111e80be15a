using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Features.Incidents;
using CeasefireWatch.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace CeasefireWatch.Web.Pages.Incidents;

/// <summary>The zone a person typed a wall-clock time in.</summary>
public enum TimeInputZone
{
    Utc,
    Kyiv,
}

/// <summary>
/// The report fields as a browser form sends them: the time as a wall-clock value plus the zone it was
/// typed in. Property names match <see cref="IReportFields"/>, so validation messages land on their fields.
/// </summary>
public class ReportForm
{
    public DateTime? OccurredAt { get; set; }

    public TimeInputZone OccurredAtZone { get; set; } = TimeInputZone.Utc;

    public string? Oblast { get; set; }

    public string? Location { get; set; }

    public double? Latitude { get; set; }

    public double? Longitude { get; set; }

    public ViolationType? ViolationType { get; set; }

    public Severity? Severity { get; set; }

    public SourceType? SourceType { get; set; }

    public string? Description { get; set; }

    public int? Killed { get; set; }

    public int? Wounded { get; set; }

    public bool TryGetOccurredAt(ModelStateDictionary modelState, string prefix, out DateTimeOffset? occurredAt) =>
        TimeInput.TryToUtc(OccurredAt, OccurredAtZone, modelState, $"{prefix}.{nameof(OccurredAt)}", out occurredAt);
}

/// <summary>Turns a wall-clock time typed in a form into an instant.</summary>
public static class TimeInput
{
    /// <summary>
    /// The instant typed, as UTC. A Kyiv time that the clocks skipped or repeated is refused with a
    /// message on the field; a missing time is left to the validator (it may be optional).
    /// </summary>
    public static bool TryToUtc(
        DateTime? typed, TimeInputZone zone, ModelStateDictionary modelState, string key, out DateTimeOffset? instant)
    {
        instant = null;
        if (typed is not { } wallClock)
        {
            return true;
        }

        if (zone == TimeInputZone.Utc)
        {
            instant = new DateTimeOffset(DateTime.SpecifyKind(wallClock, DateTimeKind.Unspecified), TimeSpan.Zero);
            return true;
        }

        if (KyivTime.TryToUtc(wallClock, out var utc, out var error))
        {
            instant = new DateTimeOffset(utc, TimeSpan.Zero);
            return true;
        }

        modelState.AddModelError(key, error!);
        return false;
    }
}

public sealed class NewIncidentForm : ReportForm
{
    public string? Title { get; set; }

    public LogIncident.Command ToCommand(DateTimeOffset? occurredAt) => new(
        Title, occurredAt, Oblast, Location, ViolationType, Severity, SourceType, Description,
        Latitude, Longitude, Killed, Wounded);
}

public sealed class FollowUpForm : ReportForm
{
    public AddFollowUpReport.Command ToCommand(int incidentId, DateTimeOffset? occurredAt) => new(
        occurredAt, Oblast, Location, ViolationType, Severity, SourceType, Description,
        Latitude, Longitude, Killed, Wounded)
    {
        IncidentId = incidentId,
    };
}
